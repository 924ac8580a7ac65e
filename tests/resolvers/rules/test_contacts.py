from resolvers.rules.contacts import has_email


def test_email_presence() -> None:
    assert has_email("a@b.example")
    assert not has_email(None)
    assert not has_email("   ")
