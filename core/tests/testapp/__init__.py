"""A minimal domain that exists only in the tests: the shared floor works for more than complaints."""
