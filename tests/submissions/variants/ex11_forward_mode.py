"""Realistic submissions of ex11_forward_mode: what each gets wrong, the edits to the source's solution that
make it, and the points per autograded cell the hidden suite must give it (cells not named get full points)."""

FULL = {"test_dual": 6, "test_functions": 4, "test_jvp": 3, "test_jacobian_forward": 4, "test_hvp": 3}

VARIANTS = {
    "product_rule_missing_term": {
        "mistake": "the tangent of a * b is a' b only: the product rule without its second term a b'",
        "edits": [("dual", "self.tangent * other.value + self.value * other.tangent)",
                   "self.tangent * other.value)")],
        # Dual * Dual and x * x wrong; Dual * number is still right (the missing term has the number's
        # tangent 0), number * Dual is not (there the missing term is all of it): 4 of 6. Parts 3 and 4 are
        # probed without the student's arithmetic; every product of the reverse engine in Part 5 is wrong.
        "expected": {"test_dual": 4, "test_hvp": 0},
    },
    "quotient_rule_sign": {
        "mistake": "the tangent of a / b is (a' b + a b') / b**2: the quotient rule with the wrong sign",
        "edits": [("dual", "(self.tangent * other.value - self.value * other.tangent)",
                   "(self.tangent * other.value + self.value * other.tangent)")],
        # Dual / Dual and c / x wrong, x / c right (c's tangent is 0): 4 of 6; in Part 5 only the function
        # with divisions
        "expected": {"test_dual": 4, "test_hvp": 2},
    },
    "rsub_backwards": {
        "mistake": "__rsub__ computes self - other, so 2 - x gives x - 2",
        "edits": [("dual", "        return as_dual(other) - self\n", "        return self - as_dual(other)\n")],
        "expected": {"test_dual": 5},
    },
    "constant_tangent_one": {
        "mistake": "as_dual gives a plain number the tangent 1.0, as if every constant moved with the input",
        "edits": [("dual", "Dual(x, 0.0)", "Dual(x, 1.0)")],
        # Part 1: only the operations between two Duals (3 of 6); Part 2: each function of a plain number;
        # Parts 3 and 4: the plain-number outputs; Part 5: the reverse engine's plain-number local derivatives
        "expected": {"test_dual": 3, "test_functions": 0, "test_jvp": 2, "test_jacobian_forward": 3,
                     "test_hvp": 0},
    },
    "sin_forgets_chain_rule": {
        "mistake": "sin's tangent is cos(x) without the factor x.tangent: right only for the tangent 1",
        "edits": [("functions", "math.cos(x.value) * x.tangent", "math.cos(x.value)")],
        "expected": {"test_functions": 3},
    },
    "jvp_seeds_ones": {
        "mistake": "jvp seeds every input with the tangent 1.0 and ignores vs, so it gives J (1, ..., 1), "
                   "and every column of jacobian_forward is the sum of the columns",
        "edits": [("jvp", "Dual(x, v) for x, v in zip(xs, vs)", "Dual(x, 1.0) for x in xs")],
        "expected": {"test_jvp": 0, "test_jacobian_forward": 0},
    },
    "jacobian_transposed": {
        "mistake": "jacobian_forward returns the columns of the forward passes as its rows: the Jacobian "
                   "transposed, one row per input instead of one per output",
        "edits": [("jacobian_forward", "return [[columns[j][i] for j in range(n)] for i in range(m)]",
                   "return columns")],
        "expected": {"test_jacobian_forward": 0},
    },
    "hvp_plain_entries_fail": {
        "mistake": "hvp reads .tangent of every gradient entry, which fails for an entry that came back as a "
                   "plain number (a gradient that does not depend on the inputs)",
        "edits": [("hvp", "[as_dual(g).tangent for g in gradient]", "[g.tangent for g in gradient]")],
        "expected": {"test_hvp": 2},
    },
}
