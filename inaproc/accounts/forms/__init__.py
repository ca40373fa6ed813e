from inaproc.accounts.forms.login import LoginForm

__all__ = ["LoginForm"]
