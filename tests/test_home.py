"""The landing page and each community's home page."""
from portal.home import PROVIDERS, Section, home_section


def test_landing_lists_communities_and_the_newcomer_path(client, world):
    html = client.get("/").get_data(as_text=True)
    assert 'lang="zh-Hans"' in html and "议事厅" in html
    assert "枫林社区" in html and "桂花苑社区" in html
    assert "用手机号注册" in html, "visitors see how to take part"


def test_resident_is_offered_their_own_community(client, auth, world):
    auth.login(world.other_resident)
    html = client.get("/").get_data(as_text=True)
    assert f'href="/c/{world.other_community.id}">进入桂花苑社区' in html
    assert "用手机号注册" not in html and "申请居民认证" not in html


def test_unverified_account_is_asked_to_verify(client, auth, world):
    auth.login(world.newcomer)
    assert "申请居民认证" in client.get(f"/c/{world.community.id}").get_data(as_text=True)


def test_community_page_counts_its_subtree_only(client, world):
    html = client.get(f"/c/{world.community.id}").get_data(as_text=True)
    # 枫林: 1 grid, 1 compound, 1 building, 4 households, 2 verified residents (resident, representative)
    for label, number in [("网格", 1), ("小区", 1), ("楼栋", 1), ("住户", 4), ("认证居民", 2)]:
        assert f"<dt>{label}</dt><dd>{number}</dd>" in html, label
    assert "测试街道" in html, "breadcrumb shows where the community sits"


def test_home_sections_come_from_registered_providers(client, world):
    """Features add sections without the home page knowing them."""
    @home_section
    def open_votes(unit, user):
        return Section(title="正在表决", template="_flashes.html") if unit.name == "枫林社区" else None

    try:
        html = client.get(f"/c/{world.community.id}").get_data(as_text=True)
        assert "<h3>正在表决</h3>" in html and "目前没有进行中的事项" not in html
        other = client.get(f"/c/{world.other_community.id}").get_data(as_text=True)
        assert "正在表决" not in other and "目前没有进行中的事项" in other
    finally:
        PROVIDERS.remove(open_votes)


def test_only_communities_have_a_home_page(client, world):
    assert client.get(f"/c/{world.building.id}").status_code == 404
    assert client.get("/c/999999").status_code == 404
