# The toy course's hidden suite is run by the grader in its tests, never collected as the project's tests.
collect_ignore = ["course"]
