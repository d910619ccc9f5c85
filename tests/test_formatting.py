"""Tensor printing: ``repr`` matches what PyTorch 2.x prints, with ``autograd_ref.``
in front of dtypes. The expected strings were recorded once from PyTorch 2.13
(``torch.`` replaced by ``autograd_ref.``); this suite never imports torch.
"""
import numpy as np
import pytest

import autograd_ref as ar
from autograd_ref import _formatting
from autograd_ref._backend import Device
from autograd_ref.tensor import make_tensor

RECORDED = [
    pytest.param(lambda: ar.tensor([1., 2.]),
                 'tensor([1., 2.])',
                 id='tensor([1., 2.])'),
    pytest.param(lambda: ar.tensor([1.12345, 2.]),
                 'tensor([1.1235, 2.0000])',
                 id='tensor([1.12345, 2.])'),
    pytest.param(lambda: ar.tensor([1e-5, 1.]),
                 'tensor([1.0000e-05, 1.0000e+00])',
                 id='tensor([1e-5, 1.])'),
    pytest.param(lambda: ar.tensor(3.),
                 'tensor(3.)',
                 id='tensor(3.)'),
    pytest.param(lambda: ar.tensor(2.5),
                 'tensor(2.5000)',
                 id='tensor(2.5)'),
    pytest.param(lambda: ar.tensor(-7),
                 'tensor(-7)',
                 id='tensor(-7)'),
    pytest.param(lambda: ar.tensor(True),
                 'tensor(True)',
                 id='tensor(True)'),
    pytest.param(lambda: ar.tensor(0.),
                 'tensor(0.)',
                 id='tensor(0.)'),
    pytest.param(lambda: ar.tensor([[1, 2], [3, 4]]),
                 'tensor([[1, 2],\n'
                 '        [3, 4]])',
                 id='tensor([[1, 2], [3, 4]])'),
    pytest.param(lambda: ar.tensor([True, False]),
                 'tensor([ True, False])',
                 id='tensor([True, False])'),
    pytest.param(lambda: ar.tensor([True, True]),
                 'tensor([True, True])',
                 id='tensor([True, True])'),
    pytest.param(lambda: ar.tensor([[True, False], [False, True]]),
                 'tensor([[ True, False],\n'
                 '        [False,  True]])',
                 id='tensor([[True, False], [False, True]])'),
    pytest.param(lambda: ar.tensor([]),
                 'tensor([])',
                 id='tensor([])'),
    pytest.param(lambda: ar.zeros(2, 0),
                 'tensor([], size=(2, 0))',
                 id='zeros(2, 0)'),
    pytest.param(lambda: ar.zeros(0, 3, 2),
                 'tensor([], size=(0, 3, 2))',
                 id='zeros(0, 3, 2)'),
    pytest.param(lambda: ar.zeros(0, dtype=ar.int64),
                 'tensor([], dtype=autograd_ref.int64)',
                 id='zeros(0, dtype=ar.int64)'),
    pytest.param(lambda: ar.zeros(0, dtype=ar.bool),
                 'tensor([], dtype=autograd_ref.bool)',
                 id='zeros(0, dtype=ar.bool)'),
    pytest.param(lambda: ar.zeros(2, 0, dtype=ar.float64),
                 'tensor([], size=(2, 0), dtype=autograd_ref.float64)',
                 id='zeros(2, 0, dtype=ar.float64)'),
    pytest.param(lambda: ar.tensor([1., 2.], requires_grad=True),
                 'tensor([1., 2.], requires_grad=True)',
                 id='tensor([1., 2.], requires_grad=True)'),
    pytest.param(lambda: ar.tensor(2., requires_grad=True),
                 'tensor(2., requires_grad=True)',
                 id='tensor(2., requires_grad=True)'),
    pytest.param(lambda: ar.tensor([1., 2.], dtype=ar.float64),
                 'tensor([1., 2.], dtype=autograd_ref.float64)',
                 id='tensor([1., 2.], dtype=ar.float64)'),
    pytest.param(lambda: ar.tensor([1., 2.], dtype=ar.float64, requires_grad=True),
                 'tensor([1., 2.], dtype=autograd_ref.float64, requires_grad=True)',
                 id='tensor([1., 2.], dtype=ar.float64, requires_grad=True)'),
    pytest.param(lambda: ar.tensor([1.5, float('nan')]),
                 'tensor([1.5000,    nan])',
                 id="tensor([1.5, float('nan')])"),
    pytest.param(lambda: ar.tensor([float('nan'), 1.]),
                 'tensor([nan, 1.])',
                 id="tensor([float('nan'), 1.])"),
    pytest.param(lambda: ar.tensor([float('inf'), -float('inf'), 1.]),
                 'tensor([inf, -inf, 1.])',
                 id="tensor([float('inf'), -float('inf'), 1.])"),
    pytest.param(lambda: ar.tensor([float('nan'), float('nan')]),
                 'tensor([nan, nan])',
                 id="tensor([float('nan'), float('nan')])"),
    pytest.param(lambda: ar.tensor(float('nan')),
                 'tensor(nan)',
                 id="tensor(float('nan'))"),
    pytest.param(lambda: ar.tensor(-float('inf')),
                 'tensor(-inf)',
                 id="tensor(-float('inf'))"),
    pytest.param(lambda: ar.tensor([-0.0, 1.5]),
                 'tensor([-0.0000, 1.5000])',
                 id='tensor([-0.0, 1.5])'),
    pytest.param(lambda: ar.tensor(-0.0),
                 'tensor(-0.)',
                 id='tensor(-0.0)'),
    pytest.param(lambda: ar.tensor([0., 0.]),
                 'tensor([0., 0.])',
                 id='tensor([0., 0.])'),
    pytest.param(lambda: ar.tensor([-1., 2.]),
                 'tensor([-1.,  2.])',
                 id='tensor([-1., 2.])'),
    pytest.param(lambda: ar.tensor([-1.5, 2.25]),
                 'tensor([-1.5000,  2.2500])',
                 id='tensor([-1.5, 2.25])'),
    pytest.param(lambda: ar.tensor([0.1, 0.2, 0.3]),
                 'tensor([0.1000, 0.2000, 0.3000])',
                 id='tensor([0.1, 0.2, 0.3])'),
    pytest.param(lambda: ar.tensor([1e8, 1.]),
                 'tensor([1.0000e+08, 1.0000e+00])',
                 id='tensor([1e8, 1.])'),
    pytest.param(lambda: ar.tensor([1e9]),
                 'tensor([1.0000e+09])',
                 id='tensor([1e9])'),
    pytest.param(lambda: ar.tensor([123456789.]),
                 'tensor([1.2346e+08])',
                 id='tensor([123456789.])'),
    pytest.param(lambda: ar.tensor([1000., 1.]),
                 'tensor([1000.,    1.])',
                 id='tensor([1000., 1.])'),
    pytest.param(lambda: ar.tensor([1001., 1.]),
                 'tensor([1.0010e+03, 1.0000e+00])',
                 id='tensor([1001., 1.])'),
    pytest.param(lambda: ar.tensor([1000.5, 1.]),
                 'tensor([1.0005e+03, 1.0000e+00])',
                 id='tensor([1000.5, 1.])'),
    pytest.param(lambda: ar.tensor([123456.789]),
                 'tensor([123456.7891])',
                 id='tensor([123456.789])'),
    pytest.param(lambda: ar.tensor([-123456.789, 0.1]),
                 'tensor([-1.2346e+05,  1.0000e-01])',
                 id='tensor([-123456.789, 0.1])'),
    pytest.param(lambda: ar.tensor([1e-4, 1.]),
                 'tensor([1.0000e-04, 1.0000e+00])',
                 id='tensor([1e-4, 1.])'),
    pytest.param(lambda: ar.tensor([0.99e-4, 1.]),
                 'tensor([9.9000e-05, 1.0000e+00])',
                 id='tensor([0.99e-4, 1.])'),
    pytest.param(lambda: ar.tensor([1e-10]),
                 'tensor([1.0000e-10])',
                 id='tensor([1e-10])'),
    pytest.param(lambda: ar.tensor([1e20, -1e-20], dtype=ar.float64),
                 'tensor([ 1.0000e+20, -1.0000e-20], dtype=autograd_ref.float64)',
                 id='tensor([1e20, -1e-20], dtype=ar.float64)'),
    pytest.param(lambda: ar.tensor([1e-3, 1.]),
                 'tensor([0.0010, 1.0000])',
                 id='tensor([1e-3, 1.])'),
    pytest.param(lambda: ar.tensor([[1e-5, 2.], [3., 4.]]),
                 'tensor([[1.0000e-05, 2.0000e+00],\n'
                 '        [3.0000e+00, 4.0000e+00]])',
                 id='tensor([[1e-5, 2.], [3., 4.]])'),
    pytest.param(lambda: ar.tensor([[1.5, float('nan')], [float('inf'), -2.]]),
                 'tensor([[ 1.5000,     nan],\n'
                 '        [    inf, -2.0000]])',
                 id="tensor([[1.5, float('nan')], [float('inf'), -2.]])"),
    pytest.param(lambda: ar.tensor([5, -100, 3]),
                 'tensor([   5, -100,    3])',
                 id='tensor([5, -100, 3])'),
    pytest.param(lambda: ar.tensor([1, 2**40]),
                 'tensor([            1, 1099511627776])',
                 id='tensor([1, 2**40])'),
    pytest.param(lambda: ar.tensor([-(2**62), 5]),
                 'tensor([-4611686018427387904,                    5])',
                 id='tensor([-(2**62), 5])'),
    pytest.param(lambda: ar.tensor([[[1., 2.], [3., 4.]], [[5., 6.], [7., 8.5]]]),
                 'tensor([[[1.0000, 2.0000],\n'
                 '         [3.0000, 4.0000]],\n'
                 '\n'
                 '        [[5.0000, 6.0000],\n'
                 '         [7.0000, 8.5000]]])',
                 id='tensor([[[1., 2.], [3., 4.]], [[5., 6.], [7., 8.5]]])'),
    pytest.param(lambda: ar.tensor([[[1, 2]], [[3, 4]], [[5, 6]]]),
                 'tensor([[[1, 2]],\n'
                 '\n'
                 '        [[3, 4]],\n'
                 '\n'
                 '        [[5, 6]]])',
                 id='tensor([[[1, 2]], [[3, 4]], [[5, 6]]])'),
    pytest.param(lambda: ar.tensor(np.arange(16.).reshape(2, 2, 2, 2).astype(np.float32)),
                 'tensor([[[[ 0.,  1.],\n'
                 '          [ 2.,  3.]],\n'
                 '\n'
                 '         [[ 4.,  5.],\n'
                 '          [ 6.,  7.]]],\n'
                 '\n'
                 '\n'
                 '        [[[ 8.,  9.],\n'
                 '          [10., 11.]],\n'
                 '\n'
                 '         [[12., 13.],\n'
                 '          [14., 15.]]]])',
                 id='tensor(np.arange(16.).reshape(2, 2, 2, 2).astype(np.float32))'),
    pytest.param(lambda: ar.tensor((np.sin(np.arange(30) * 1.7) * 3).astype(np.float32)),
                 'tensor([ 0.0000,  2.9750, -0.7666, -2.7774,  1.4823,  2.3955, -2.0996, -1.8544,\n'
                 '         2.5775,  1.1902, -2.8842, -0.4470,  2.9994, -0.3259, -2.9154,  1.0772,\n'
                 '         2.6378, -1.7569, -2.1851,  2.3200,  1.5872, -2.7290, -0.8840,  2.9568,\n'
                 '         0.1221, -2.9883,  0.6480,  2.8213, -1.3750, -2.4670])',
                 id='tensor((np.sin(np.arange(30) * 1.7) * 3).astype(np.float32))'),
    pytest.param(lambda: ar.tensor(np.sin(np.arange(17) * 1.3)),
                 'tensor([ 0.0000,  0.9636,  0.5155, -0.6878, -0.8835,  0.2151,  0.9985,  0.3191,\n'
                 '        -0.8278, -0.7620,  0.4202,  0.9868,  0.1078, -0.9291, -0.6048,  0.6055,\n'
                 '         0.9288], dtype=autograd_ref.float64)',
                 id='tensor(np.sin(np.arange(17) * 1.3))'),
    pytest.param(lambda: ar.tensor(np.sin(np.arange(15) * 1.3) * 1e-7, requires_grad=True),
                 'tensor([ 0.0000e+00,  9.6356e-08,  5.1550e-08, -6.8777e-08, -8.8345e-08,\n'
                 '         2.1512e-08,  9.9854e-08,  3.1910e-08, -8.2783e-08, -7.6198e-08,\n'
                 '         4.2017e-08,  9.8677e-08,  1.0775e-08, -9.2912e-08, -6.0483e-08],\n'
                 '       dtype=autograd_ref.float64, requires_grad=True)',
                 id='tensor(np.sin(np.arange(15) * 1.3) * 1e-7, requires_grad=True)'),
    pytest.param(lambda: ar.tensor(np.linspace(-1, 1, 17)),
                 'tensor([-1.0000, -0.8750, -0.7500, -0.6250, -0.5000, -0.3750, -0.2500, -0.1250,\n'
                 '         0.0000,  0.1250,  0.2500,  0.3750,  0.5000,  0.6250,  0.7500,  0.8750,\n'
                 '         1.0000], dtype=autograd_ref.float64)',
                 id='tensor(np.linspace(-1, 1, 17))'),
    pytest.param(lambda: ar.tensor((np.sin(np.arange(12) * 0.9) * 1e5).astype(np.float32).reshape(3, 4)),
                 'tensor([[     0.0000,  78332.6875,  97384.7656,  42737.9883],\n'
                 '        [-44252.0430, -97753.0156, -77276.4453,   1681.3900],\n'
                 '        [ 79366.7891,  96988.9844,  41211.8477, -45753.5898]])',
                 id='tensor((np.sin(np.arange(12) * 0.9) * 1e5).astype(np.float32).reshape(3, 4))'),
    pytest.param(lambda: ar.tensor((np.sin(np.arange(60) * 0.9)).astype(np.float32).reshape(3, 20)),
                 'tensor([[ 0.0000,  0.7833,  0.9738,  0.4274, -0.4425, -0.9775, -0.7728,  0.0168,\n'
                 '          0.7937,  0.9699,  0.4121, -0.4575, -0.9809, -0.7620,  0.0336,  0.8038,\n'
                 '          0.9657,  0.3967, -0.4724, -0.9841],\n'
                 '        [-0.7510,  0.0504,  0.8137,  0.9612,  0.3813, -0.4872, -0.9869, -0.7398,\n'
                 '          0.0672,  0.8233,  0.9564,  0.3657, -0.5018, -0.9895, -0.7284,  0.0840,\n'
                 '          0.8328,  0.9513,  0.3500, -0.5163],\n'
                 '        [-0.9918, -0.7167,  0.1007,  0.8420,  0.9460,  0.3342, -0.5306, -0.9938,\n'
                 '         -0.7049,  0.1174,  0.8509,  0.9404,  0.3183, -0.5448, -0.9955, -0.6929,\n'
                 '          0.1341,  0.8596,  0.9346,  0.3023]])',
                 id='tensor((np.sin(np.arange(60) * 0.9)).astype(np.float32).reshape(3, 20))'),
    pytest.param(lambda: ar.tensor(np.arange(2000.).astype(np.float32)),
                 'tensor([0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 1.9970e+03, 1.9980e+03,\n'
                 '        1.9990e+03])',
                 id='tensor(np.arange(2000.).astype(np.float32))'),
    pytest.param(lambda: ar.tensor(np.arange(1001)),
                 'tensor([   0,    1,    2,  ...,  998,  999, 1000])',
                 id='tensor(np.arange(1001))'),
    pytest.param(lambda: ar.tensor(np.arange(5000) % 3 == 0),
                 'tensor([ True, False, False,  ..., False,  True, False])',
                 id='tensor(np.arange(5000) % 3 == 0)'),
    pytest.param(lambda: ar.tensor(np.sin(np.arange(1600) * 1.7).astype(np.float32).reshape(40, 40)),
                 'tensor([[ 0.0000,  0.9917, -0.2555,  ...,  0.0681,  0.9806, -0.3208],\n'
                 '        [-0.8979,  0.5522,  0.7556,  ..., -0.8659,  0.6077,  0.7093],\n'
                 '        [-0.7904, -0.5056,  0.9207,  ..., -0.8303, -0.4457,  0.9452],\n'
                 '        ...,\n'
                 '        [ 0.4038, -0.9592, -0.1567,  ...,  0.3406, -0.9763, -0.0890],\n'
                 '        [ 0.9992, -0.1684, -0.9558,  ...,  0.9942, -0.2352, -0.9336],\n'
                 '        [ 0.4757,  0.8110, -0.6847,  ...,  0.5345,  0.7692, -0.7328]])',
                 id='tensor(np.sin(np.arange(1600) * 1.7).astype(np.float32).reshape(40, 40))'),
    pytest.param(lambda: ar.tensor((np.cos(np.arange(7 * 7 * 30) * 0.3) * 1e3).astype(np.float32).reshape(7, 7, 30)),
                 'tensor([[[1000.0000,  955.3365,  825.3356,  ..., -243.5442, -519.2886,\n'
                 '          -748.6467],\n'
                 '         [-911.1302, -992.2253, -984.6879,  ..., -177.8091,  120.9436,\n'
                 '           408.8927],\n'
                 '         [ 660.3167,  852.7565,  969.0222,  ...,  567.5586,  298.8979,\n'
                 '             3.5375],\n'
                 '         ...,\n'
                 '         [-127.9637,  170.8423,  454.3875,  ...,  993.0810,  914.0232,\n'
                 '           753.3184],\n'
                 '         [ 525.3220,  250.4001,  -46.8893,  ..., -953.2217, -999.9750,\n'
                 '          -957.4034],\n'
                 '         [-829.3098, -627.1365, -368.9429,  ...,  743.9374,  908.1917,\n'
                 '           991.3199]],\n'
                 '\n'
                 '        [[ 985.8966,  892.4060,  719.1994,  ..., -402.4259, -654.9869,\n'
                 '          -849.0399],\n'
                 '         [-967.2506, -999.0597, -941.6258,  ...,  -10.6125,  285.3651,\n'
                 '           555.8518],\n'
                 '         [ 776.6860,  928.1411,  996.6881,  ...,  421.7646,  134.9774,\n'
                 '          -163.8670],\n'
                 '         ...,\n'
                 '         [  39.8209,  333.3282,  597.0602,  ...,  959.4224,  833.2426,\n'
                 '           632.6316],\n'
                 '         [ 375.5096,   84.8444, -213.3996,  ..., -990.3650, -987.0560,\n'
                 '          -895.5762],\n'
                 '         [-724.0972, -487.9368, -208.1905,  ...,  845.2806,  965.4305,\n'
                 '           999.3414]],\n'
                 '\n'
                 '        [[ 943.9841,  804.3035,  592.7769,  ..., -549.9565, -772.2100,\n'
                 '          -925.4843],\n'
                 '         [-996.0878, -977.7138, -872.0035,  ...,  156.8835,  441.7373,\n'
                 '           687.1321],\n'
                 '         [ 871.1474,  977.3457,  996.2406,  ...,  264.0740,  -32.7504,\n'
                 '          -326.6494],\n'
                 '         ...,\n'
                 '         [ 206.4822,  486.4119,  722.8918,  ...,  898.7015,  728.9587,\n'
                 '           494.1003],\n'
                 '         [ 215.1053,  -83.1044, -373.8907,  ..., -999.5732, -946.2952,\n'
                 '          -808.4875],\n'
                 '         [-598.4601, -334.9739,  -41.5656,  ...,  922.7812,  995.4377,\n'
                 '           979.1747]],\n'
                 '\n'
                 '        ...,\n'
                 '\n'
                 '        [[ 782.2121,  563.1631,  293.8083,  ..., -794.7564, -938.6194,\n'
                 '          -998.6384],\n'
                 '         [-969.4520, -853.6673, -661.6271,  ...,  474.0001,  713.0425,\n'
                 '           888.3909],\n'
                 '         [ 984.3820,  992.4411,  911.8485,  ...,  -68.9953, -360.7297,\n'
                 '          -620.2412],\n'
                 '         ...,\n'
                 '         [ 517.7956,  747.4879,  910.4092,  ...,  703.6389,  462.2277,\n'
                 '           179.5271],\n'
                 '         [-119.2101, -407.2986, -659.0043,  ..., -933.9407, -786.6004,\n'
                 '          -568.9954],\n'
                 '         [-300.5638,   -5.2837,  290.4684,  ...,  998.2443,  971.1631,\n'
                 '           857.3307]],\n'
                 '\n'
                 '        [[ 666.9156,  416.9269,  129.6953,  ..., -885.1205, -983.1118,\n'
                 '          -993.2845],\n'
                 '         [-914.7302, -754.4657, -526.8070,  ...,  614.6759,  820.3227,\n'
                 '           952.6925],\n'
                 '         [ 999.9611,  957.9061,  830.2843,  ..., -234.9791, -511.7299,\n'
                 '          -742.7693],\n'
                 '         ...,\n'
                 '         [ 653.6664,  848.1160,  966.8059,  ...,  574.7993,  307.3042,\n'
                 '            12.3585],\n'
                 '         [-283.6911, -554.3994, -775.5849,  ..., -860.9513, -672.1708,\n'
                 '          -423.3472],\n'
                 '         [-136.7074,  162.1442,  446.5119,  ...,  994.0782,  917.5660,\n'
                 '           759.0905]],\n'
                 '\n'
                 '        [[ 532.8075,  258.9305,  -38.0760,  ..., -950.5183, -999.8737,\n'
                 '          -959.9133],\n'
                 '         [-834.2067, -633.9830, -377.1274,  ...,  738.0137,  904.4642,\n'
                 '           990.1216],\n'
                 '         [ 987.3345,  896.3517,  725.3004,  ..., -394.3349, -648.2958,\n'
                 '          -844.3463],\n'
                 '         ...,\n'
                 '         [ 771.0994,  924.8215,  995.9320,  ...,  429.7464,  143.7126,\n'
                 '          -155.1587],\n'
                 '         [-440.1701, -685.8624, -870.2887,  ..., -763.6772, -538.7814,\n'
                 '          -265.7578],\n'
                 '         [  31.0052,  324.9985,  589.9607,  ...,  961.8724,  838.0874,\n'
                 '           639.4386]]])',
                 id='tensor((np.cos(np.arange(7 * 7 * 30) * 0.3) * 1e3).astype(np.float32).reshape(7, 7, 30))'),
    pytest.param(lambda: ar.tensor(np.arange(3003).reshape(1001, 3)),
                 'tensor([[   0,    1,    2],\n'
                 '        [   3,    4,    5],\n'
                 '        [   6,    7,    8],\n'
                 '        ...,\n'
                 '        [2994, 2995, 2996],\n'
                 '        [2997, 2998, 2999],\n'
                 '        [3000, 3001, 3002]])',
                 id='tensor(np.arange(3003).reshape(1001, 3))'),
    pytest.param(lambda: ar.tensor(np.arange(1200.).astype(np.float32).reshape(2, 3, 200)),
                 'tensor([[[0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 1.9700e+02,\n'
                 '          1.9800e+02, 1.9900e+02],\n'
                 '         [2.0000e+02, 2.0100e+02, 2.0200e+02,  ..., 3.9700e+02,\n'
                 '          3.9800e+02, 3.9900e+02],\n'
                 '         [4.0000e+02, 4.0100e+02, 4.0200e+02,  ..., 5.9700e+02,\n'
                 '          5.9800e+02, 5.9900e+02]],\n'
                 '\n'
                 '        [[6.0000e+02, 6.0100e+02, 6.0200e+02,  ..., 7.9700e+02,\n'
                 '          7.9800e+02, 7.9900e+02],\n'
                 '         [8.0000e+02, 8.0100e+02, 8.0200e+02,  ..., 9.9700e+02,\n'
                 '          9.9800e+02, 9.9900e+02],\n'
                 '         [1.0000e+03, 1.0010e+03, 1.0020e+03,  ..., 1.1970e+03,\n'
                 '          1.1980e+03, 1.1990e+03]]])',
                 id='tensor(np.arange(1200.).astype(np.float32).reshape(2, 3, 200))'),
    pytest.param(lambda: ar.tensor(np.full(30, 1e10).astype(np.float32)),
                 'tensor([1.0000e+10, 1.0000e+10, 1.0000e+10, 1.0000e+10, 1.0000e+10, 1.0000e+10,\n'
                 '        1.0000e+10, 1.0000e+10, 1.0000e+10, 1.0000e+10, 1.0000e+10, 1.0000e+10,\n'
                 '        1.0000e+10, 1.0000e+10, 1.0000e+10, 1.0000e+10, 1.0000e+10, 1.0000e+10,\n'
                 '        1.0000e+10, 1.0000e+10, 1.0000e+10, 1.0000e+10, 1.0000e+10, 1.0000e+10,\n'
                 '        1.0000e+10, 1.0000e+10, 1.0000e+10, 1.0000e+10, 1.0000e+10, 1.0000e+10])',
                 id='tensor(np.full(30, 1e10).astype(np.float32))'),
    pytest.param(lambda: ar.tensor(np.arange(20.).reshape(4, 5).astype(np.float32) * np.float32(1e-6)),
                 'tensor([[0.0000e+00, 1.0000e-06, 2.0000e-06, 3.0000e-06, 4.0000e-06],\n'
                 '        [5.0000e-06, 6.0000e-06, 7.0000e-06, 8.0000e-06, 9.0000e-06],\n'
                 '        [1.0000e-05, 1.1000e-05, 1.2000e-05, 1.3000e-05, 1.4000e-05],\n'
                 '        [1.5000e-05, 1.6000e-05, 1.7000e-05, 1.8000e-05, 1.9000e-05]])',
                 id='tensor(np.arange(20.).reshape(4, 5).astype(np.float32) * np.float32(1e-6))'),
    pytest.param(lambda: ar.tensor(np.arange(40) - 20),
                 'tensor([-20, -19, -18, -17, -16, -15, -14, -13, -12, -11, -10,  -9,  -8,  -7,\n'
                 '         -6,  -5,  -4,  -3,  -2,  -1,   0,   1,   2,   3,   4,   5,   6,   7,\n'
                 '          8,   9,  10,  11,  12,  13,  14,  15,  16,  17,  18,  19])',
                 id='tensor(np.arange(40) - 20)'),

]


@pytest.mark.parametrize("make, expected", RECORDED)
def test_repr_matches_pytorch(make, expected):
    assert repr(make()) == expected


def test_str_is_repr():
    t = ar.tensor([1.5, 2.0])
    assert str(t) == repr(t) == "tensor([1.5000, 2.0000])"


def test_grad_fn_is_named_by_its_class():
    x = ar.tensor([1., 2.], requires_grad=True)
    assert repr(x * 2) == "tensor([2., 4.], grad_fn=<MulBackward0>)"
    assert repr(ar.tensor([1., 2.5], requires_grad=True).sum()) == \
        "tensor(3.5000, grad_fn=<SumBackward0>)"


def test_grad_fn_wins_over_requires_grad():
    t = make_tensor(np.array([1., 2.], dtype=np.float32))
    t._requires_grad = True

    class MulBackward0:
        pass

    t.grad_fn = MulBackward0()
    assert repr(t) == "tensor([1., 2.], grad_fn=<MulBackward0>)"


def test_suffix_wraps_by_the_real_line_length():
    # PyTorch starts a new line when a suffix would pass 80 characters. Its
    # "dtype=torch.float64" still fits on this last line; ours is 7 characters
    # longer and moves down, so here only the layout of the suffixes differs.
    t = ar.tensor(np.sin(np.arange(13) * 1.3), requires_grad=True)
    assert repr(t) == (
        "tensor([ 0.0000,  0.9636,  0.5155, -0.6878, -0.8835,  0.2151,  0.9985,  0.3191,\n"
        "        -0.8278, -0.7620,  0.4202,  0.9868,  0.1078],\n"
        "       dtype=autograd_ref.float64, requires_grad=True)")


def test_dtype_shown_relative_to_the_default_dtype():
    ar.set_default_dtype(ar.float64)
    try:
        assert repr(ar.tensor([1., 2.], dtype=ar.float32)) == \
            "tensor([1., 2.], dtype=autograd_ref.float32)"
        assert repr(ar.tensor([1., 2.])) == "tensor([1., 2.])"
        assert repr(ar.zeros(0, dtype=ar.float32)) == "tensor([], dtype=autograd_ref.float32)"
        assert repr(ar.zeros(0)) == "tensor([])"
    finally:
        ar.set_default_dtype(ar.float32)


def test_device_other_than_cpu_is_shown_first():
    t = make_tensor(np.array([1., 2.], dtype=np.float32))
    t._device = Device("cuda", 0, np)   # a stand-in: only the device's name is read
    t._requires_grad = True
    assert repr(t) == "tensor([1., 2.], device='cuda:0', requires_grad=True)"


def test_exactly_threshold_elements_are_not_summarised():
    text = repr(ar.arange(1000))
    assert "..." not in text
    assert text.startswith("tensor([  0,   1,   2,")
    assert text.endswith(" 997, 998, 999])")
    assert "..." in repr(ar.arange(1001))


def test_visible_keeps_edge_items():
    assert _formatting._visible(np.arange(10), summarize=True) == [0, 1, 2, ..., 7, 8, 9]
    assert _formatting._visible(np.arange(10), summarize=False) == list(range(10))
    assert _formatting._visible(np.arange(4).reshape(2, 2), summarize=True) == [[0, 1], [2, 3]]


@pytest.mark.parametrize("values, text, width", [
    ([1.0, 2.0], "1.", 2),                       # whole numbers: a trailing dot
    ([1.0, 100000.0], "1.0000e+00", 10),         # whole, but a ratio over 1000
    ([0.5, 2.0], "0.5000", 6),                   # fixed point, 4 decimals
    ([0.00005, 2.0], "5.0000e-05", 10),          # fractional and below 1e-4
    ([float("nan"), 0.0], "nan", 1),             # no nonzero finite value: width 1
])
def test_formatter_style(values, text, width):
    formatter = _formatting._Formatter(values, floating=True)
    assert formatter.format(values[0]).strip() == text
    assert formatter.width == width


def test_formatter_pads_to_common_width():
    formatter = _formatting._Formatter([True, False], floating=False)
    assert formatter.format(True) == " True"
    assert _formatting._Formatter([5, -100], floating=False).format(5) == "   5"
