"""Reading the API's errors (RFC 9457 problems, terms/api/problems.py) in tests."""

PROBLEM = "application/problem+json"


def messages(response) -> dict[str, list[str]]:
    """What a problem says of each query parameter or top-level body member it
    names: {"letter": ["Select a valid choice. …"]}, in the order named."""
    assert response["Content-Type"] == PROBLEM, response["Content-Type"]
    named = {}
    for error in response.json()["errors"]:
        if "param" in error:
            name = error["param"]
        else:
            name = error.get("pointer", "").split("/")[1:2] or [""]
            name = name[0].replace("~1", "/").replace("~0", "~")
        named.setdefault(name, []).append(error["detail"])
    return named
