def test_home_in_chinese(client, world):
    resp = client.get("/")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert 'lang="zh-Hans"' in html
    assert "议事厅" in html and "枫林社区" in html
