from django.contrib.auth.hashers import Argon2PasswordHasher


class FastArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id with a small cost, for the test suite only (config/settings/test.py)."""

    algorithm = "argon2"
    time_cost = 1
    memory_cost = 1024
    parallelism = 1
