def test_cli():
    assert True
