"""Every stage of every template can be reached through the services (the factories drive them)."""
import pytest

from tests.factories import make_matter


@pytest.mark.parametrize("stage,procedure", [("solicit","yizheng_sanyi"),("propose","yizheng_sanyi"),("consult","yizheng_sanyi"),("resolve","yizheng_sanyi"),("disclose_resolution","yizheng_sanyi"),("disclose_results","yizheng_sanyi"),("concluded","yizheng_sanyi"),("resolve","owners"),("concluded","owners"),("propose","siyi_liangkai"),("resolve","siyi_liangkai")])
def test_matter_reaches_stage(world, stage, procedure):
    m = make_matter(world, stage, procedure=procedure, unit=world.compound if procedure=="owners" else None)
    assert m.stage == stage
