# TEST SCAFFOLDING: a stand-in test (a change here must rebuild nothing).
test_cli = "ok"
