"""Self-check of accounts, attributes, the fixture-backed resources and lead forms, plus the rules
every list endpoint shares."""

from selftest_lib import ACC, ISO, Client, check
from selftest_resources import err

LISTS = ["/contacts", "/messages", "/conversations", "/templates", "/campaigns", "/webhooks", "/attributes",
         "/links", "/links/seed-link/sources", "/dripcampaigns", "/dripcampaigns/seed-drip/executions", "/forms",
         "/forms/templates", "/forms/seed-form/conversions?start=2023-01-01&end=2023-12-31",
         "/availablephonenumbers", "/calls", "/autoresponders"]


def test_list_rules(c, port):
    c.call("POST", "/_sandbox/reset")
    for path in LISTS + [""]:
        full = (ACC + path) if path else "/v1/accounts"
        sep = "&" if "?" in full else "?"
        status, body, _ = c.call("GET", full)
        paginated = path != "/links/seed-link/sources"
        shape = set(body) == ({"success", "pagination", "data"} if paginated else {"success", "data"})
        ok = status == 200 and shape and isinstance(body["data"], list)
        if paginated:
            ok = ok and list(body["pagination"]) == ["offset", "limit", "totalCount", "hasNext"] \
                and body["pagination"]["limit"] == 10
            ok = ok and all(err(c, "GET", f"{full}{sep}{q}")[:2] == (400, "REQ-002")
                            for q in ("limit=0", "limit=101", "offset=-1", "limit=1&limit=2"))
        ok = ok and Client(port).code("GET", full, auth=False) == (401, "AUTH-001")
        if path:
            ok = ok and err(c, "GET", "/v1/accounts/nope" + path)[:2] == (404, "ACCT-008")
        check(f"list rules: GET {full.replace(ACC, '{acc}')}", ok, body)


def test_accounts(c):
    c.call("POST", "/_sandbox/reset")
    accounts = c.call("GET", "/v1/accounts")[1]
    check("accounts: lists the configured accounts", [a["id"] for a in accounts["data"]] == ["sandbox-account", "second"]
          and accounts["pagination"]["totalCount"] == 2, accounts)
    account = c.call("GET", ACC)[1]["data"]
    check("account: Account shape with apiCredentials", list(account)[:3] == ["id", "apiCredentials", "name"]
          and account["apiCredentials"] == {"id": "sandbox-client-id", "secret": "sandbox-client-secret"}
          and account["plan"]["billingFrequency"] == "monthly", account)
    check("account: unknown -> 404 ACCT-008", err(c, "GET", "/v1/accounts/nope")[:2] == (404, "ACCT-008"))
    check("account: second account is empty", c.call("GET", "/v1/accounts/second/links")[1]["data"] == []
          and c.call("GET", "/v1/accounts/second")[1]["data"]["name"] == "second")
    balance = c.call("GET", ACC + "/balance")[1]["data"]
    check("balance: {balance, country, segments, segmentPrice}",
          list(balance) == ["balance", "country", "segments", "segmentPrice"], balance)
    status, body, _ = c.call("POST", ACC + "/attributes/contacts", {"name": "shoeSize", "dataType": "number"})
    attr = body.get("data", {})
    check("attribute create: 201 item, label defaults to name",
          status == 201 and attr["type"] == "contacts" and attr["label"] == "shoeSize" and attr["dataType"] == "number"
          and ISO.fullmatch(attr["created"]["at"]), body)
    listed = c.call("GET", ACC + "/attributes?limit=100")[1]
    check("attributes: list holds fixtures and the new one", listed["pagination"]["totalCount"] == 4)
    put = c.call("PUT", f"{ACC}/attributes/contacts/{attr['id']}", {"name": "shoe", "label": "Shoe size"})[1]["data"]
    check("attribute put: replaces", put["name"] == "shoe" and put["dataType"] == "text" and put["created"] == attr["created"])
    for name, method, path, body, want in [
            ("name missing", "POST", "/attributes/deals", {"label": "x"}, (400, "REQ-003")),
            ("label number", "POST", "/attributes/deals", {"name": "x", "label": 1}, (400, "REQ-003")),
            ("type widgets", "POST", "/attributes/widgets", {"name": "x"}, (404, "REQ-404")),
            ("unknown id", "PUT", "/attributes/contacts/nope", {"name": "x"}, (404, "ATTR-002")),
            ("wrong type for id", "PUT", f"/attributes/deals/{attr['id']}", {"name": "x"}, (404, "ATTR-002"))]:
        check(f"attribute: {name} -> {want[0]} {want[1]}", err(c, method, ACC + path, body)[:2] == want)


def test_catalog(c):
    c.call("POST", "/_sandbox/reset")
    links = c.call("GET", ACC + "/links?q=SAK.RI/h3")[1]
    check("links: q searches the fields", [x["id"] for x in links["data"]] == ["docs-link"], links)
    link = c.call("GET", ACC + "/links/seed-link")[1]["data"]
    check("link: Link shape", {"id", "name", "keyId", "domain", "destinationUrl", "shortenedUrl", "contactTracking",
                               "sourceTracking", "stats", "created", "updated"} == set(link), link)
    check("link: unknown -> 404 LINK-002", err(c, "GET", ACC + "/links/nope")[:2] == (404, "LINK-002"))
    sources = c.call("GET", ACC + "/links/seed-link/sources?sources=campaign")[1]["data"]
    check("link sources: filtered by ?sources", [s["id"] for s in sources] == ["campaign"], sources)
    drip = c.call("GET", ACC + "/dripcampaigns/seed-drip")[1]["data"]
    check("drip: group and list embedded as objects", drip["group"]["id"] == "seed-group"
          and drip["list"]["name"] == "Newsletter" and drip["trigger"]["groups"][0]["isDefault"] is True, drip)
    put = c.call("PUT", ACC + "/dripcampaigns/seed-drip", {"name": "Welcome 2", "list": {"id": "customers-list"},
                                                          "trigger": {"type": "list", "delay": {"days": 2}}})
    check("drip put: replaces, references resolved", put[0] == 200 and put[1]["data"]["list"]["id"] == "customers-list"
          and "group" not in put[1]["data"] and put[1]["data"]["created"] == drip["created"], put[1])
    for name, body, want in [("name missing", {"description": "x"}, (400, "REQ-003")),
                             ("negative delay", {"name": "x", "trigger": {"delay": {"days": -1}}}, (400, "REQ-003")),
                             ("unknown list", {"name": "x", "list": {"id": "nope"}}, (404, "LIST-002"))]:
        check(f"drip put: {name} -> {want[0]} {want[1]}", err(c, "PUT", ACC + "/dripcampaigns/seed-drip", body)[:2] == want)
    check("drip: unknown -> 404 DRIP-002", err(c, "GET", ACC + "/dripcampaigns/nope/executions")[:2] == (404, "DRIP-002"))
    ex = c.call("GET", ACC + "/dripcampaigns/seed-drip/executions")[1]["data"]
    check("drip executions: {id, status, entered, contact}", set(ex[0]) == {"id", "status", "entered", "contact"}, ex)

    def numbers(q):
        return [n["number"] for n in c.call("GET", ACC + "/availablephonenumbers?" + q)[1]["data"]]
    check("numbers: country+type", numbers("country=us&type=tollfree") == ["+18335550114"])
    check("numbers: areaCode, features, contains", numbers("areaCode=617&features=mms") == ["+16175550111"]
          and numbers("contains=550115") == ["+14165550115"] and numbers("postalCode=94105") == ["+14155550113"])
    check("numbers: contains must be digits -> 400 REQ-002",
          err(c, "GET", ACC + "/availablephonenumbers?contains=abc")[:2] == (400, "REQ-002"))

    def calls(q):
        return [x["id"] for x in c.call("GET", ACC + "/calls?" + q)[1]["data"]]
    check("calls: direction, status, contactId, conversationId",
          calls("direction=outbound") == ["seed-call-2"] and calls("status=MISSED") == ["seed-call-3"]
          and calls("contactId=seed-contact") == ["seed-call-1", "seed-call-2"]
          and calls("conversationId=other-conversation") == ["seed-call-3"])
    check("calls: from/to date-times", calls("from=2023-11-08T00:00:00Z&to=2023-11-09T00:00:00Z") == ["seed-call-2"])
    for q in ("direction=sideways", "from=yesterday", "to=2023-11-08"):
        check(f"calls: {q} -> 400 REQ-002", err(c, "GET", ACC + "/calls?" + q)[:2] == (400, "REQ-002"))
    check("call: get", c.call("GET", ACC + "/calls/seed-call-1")[1]["data"]["duration"] == 95)
    check("call: unknown -> 404 CALL-002", err(c, "GET", ACC + "/calls/nope")[:2] == (404, "CALL-002"))
    check("autoresponders: fixtures", c.call("GET", ACC + "/autoresponders")[1]["pagination"]["totalCount"] == 2)


def test_forms(c):
    c.call("POST", "/_sandbox/reset")
    ordered = [f["id"] for f in c.call("GET", ACC + "/forms?orderBy=-impressions")[1]["data"]]
    check("forms: orderBy -impressions", ordered == ["seed-form", "draft-form"], ordered)
    check("forms: q", [f["id"] for f in c.call("GET", ACC + "/forms?q=contest")[1]["data"]] == ["draft-form"])
    check("forms: bad orderBy -> 400 REQ-002", err(c, "GET", ACC + "/forms?orderBy=colour")[:2] == (400, "REQ-002"))
    status, body, _ = c.call("POST", ACC + "/forms?template=seed-form-template", {"name": "Signup 2"})
    form = body.get("data", {})
    check("form create: 201 LeadForm, inactive", status == 201 and form["active"] is None
          and {"id", "name", "active", "impressions", "conversions", "created", "updated"} == set(form), body)
    check("form create: unknown template -> 404 FORM-002",
          err(c, "POST", ACC + "/forms?template=nope", {"name": "x"})[:2] == (404, "FORM-002"))
    check("form create: name missing -> 400 REQ-003", err(c, "POST", ACC + "/forms", {})[:2] == (400, "REQ-003"))
    path = f"{ACC}/forms/{form['id']}"
    check("form put: renames", c.call("PUT", path, {"name": "Renamed"})[1]["data"]["name"] == "Renamed")
    on = c.call("PUT", path + "/activate")[1]["data"]
    check("form activate: active is a timestamp", ISO.fullmatch(on["active"] or ""), on)
    off = c.call("PUT", path + "/deactivate")[1]["data"]
    check("form deactivate: active is null", off["active"] is None, off)
    analytics = c.call("GET", ACC + "/forms/seed-form/analytics?start=2024-02-27&end=2024-03-01")[1]["data"]
    check("form analytics: totals and one entry per day (leap year)",
          [d["date"] for d in analytics["data"]] == ["2024-02-27", "2024-02-28", "2024-02-29", "2024-03-01"]
          and analytics["impressions"] == sum(d["impressions"] for d in analytics["data"]), analytics)
    conv = c.call("GET", ACC + "/forms/seed-form/conversions?start=2023-11-09&end=2023-11-09")[1]["data"]
    check("form conversions: within start..end", [x["id"] for x in conv] == ["seed-conversion-2"], conv)
    for q in ("start=2024-01-01", "end=2024-01-01", "start=01/02/2024&end=2024-01-03", "start=2024-01-05&end=2024-01-01"):
        for kind in ("analytics", "conversions"):
            check(f"form {kind}: {q} -> 400 REQ-002",
                  err(c, "GET", f"{ACC}/forms/seed-form/{kind}?{q}")[:2] == (400, "REQ-002"))
    check("form delete", c.call("DELETE", path)[1] == {"success": True})
    check("form: then 404 FORM-002", err(c, "PUT", path + "/activate")[:2] == (404, "FORM-002"))
    check("form templates: list", c.call("GET", ACC + "/forms/templates")[1]["pagination"]["totalCount"] == 2)
    check("form templates: PUT -> 405", c.call("PUT", ACC + "/forms/templates", {"name": "x"})[0] == 405)


def run(port):
    c = Client(port)
    test_list_rules(c, port)
    test_accounts(c)
    test_catalog(c)
    test_forms(c)
    c.call("POST", "/_sandbox/reset")
