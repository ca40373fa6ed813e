import pytest
import time_machine


@pytest.fixture
def frozen_clock():
    """The clock stopped at factor_helpers.START; `.shift()` moves it."""
    from tests.accounts.factor_helpers import START

    with time_machine.travel(START, tick=False) as traveller:
        yield traveller
