-- The C core on its own: JSON exactness, escaping, request building, the
-- session and multi handles, and the HMAC/base64 helpers.
local core = require "sakari.core"
local sandbox = require "spec.support.sandbox"

-- Lua 5.3 and 5.4 have an integer subtype; 5.1, 5.2 and LuaJIT only doubles.
local HAS_INTEGERS = (_VERSION == "Lua 5.3" or _VERSION == "Lua 5.4") and not jit
local ARRAY_MT = getmetatable(core.array())

-- A request for a session or multi: each one carries its own timeouts.
local function req(t)
  if t.timeout == nil then t.timeout = 10 end
  if t.connect_timeout == nil then t.connect_timeout = 5 end
  return t
end

describe("core JSON", function()
  it("writes integers exactly, even past lua-cjson 2.1.0's 14 digits", function()
    assert.are.equal('[123456789012345]', core.encode({ 123456789012345 }))
    assert.are.equal('[9007199254740992]', core.encode({ 2 ^ 53 }))
    if HAS_INTEGERS then
      assert.are.equal('[9007199254740993]', core.encode({ 9007199254740993 }))
      assert.are.equal('[-9223372036854775808]', core.encode({ math.mininteger }))
    else
      -- doubles stop at 2^53: 2^53 + 1 cannot even be held, so it reads back as 2^53
      assert.is_nil(math.type)
      assert.are.equal(2 ^ 53, core.decode("[9007199254740993]")[1])
      assert.are.equal('[-9007199254740992]', core.encode({ -2 ^ 53 }))
    end
    assert.are.equal(3.141592653589793, core.decode(core.encode({ 3.141592653589793 }))[1])
    assert.are.equal(0.1, core.decode(core.encode({ 0.1 }))[1])
  end)

  it("reads integral numbers back as integers on Lua 5.3+", function()
    local v = core.decode('{"id":123,"n":[1,2.5,-7],"big":123456789012}')
    assert.are.equal(123, v.id)
    assert.are.equal(2.5, v.n[2])
    -- an integral number prints without ".0" on every Lua (in a URL, say)
    assert.are.equal("123", tostring(v.id))
    assert.are.equal("-7", tostring(v.n[3]))
    assert.are.equal("123456789012", tostring(v.big))
    assert.are.equal("42", tostring(core.decode("42")))
    if HAS_INTEGERS then
      assert.are.equal("integer", math.type(v.id))
      assert.are.equal("integer", math.type(v.n[3]))
      assert.are.equal("float", math.type(v.n[2]))
      assert.are.equal("integer", math.type(core.decode("42")))
    else
      assert.is_nil(math.type) -- one number type: nothing more to tell apart
    end
  end)

  it("reads integers past 2^53 exactly on Lua 5.3+, and keeps their text for the way back on 5.1", function()
    local text = '{"exact":9007199254740991,"big":9007199254740993}'
    local v = core.decode(text)
    assert.are.equal(9007199254740991, v.exact)
    if HAS_INTEGERS then
      assert.are.equal("integer", math.type(v.exact))
      assert.are.equal("integer", math.type(v.big))
      assert.are.equal(9007199254740993, v.big)
    else
      -- a double cannot hold 2^53 + 1: the nearest one is read ...
      assert.are.equal(2 ^ 53, v.big)
    end
    -- ... and the digits the text had are written back while the field still holds it
    assert.are.same({ exact = 9007199254740991, big = "9007199254740993" },
      { exact = core.decode(core.encode(v)).exact, big = core.encode(v):match('"big":(%d+)') })
  end)

  it("decodes null as core.null and encodes it back", function()
    local v = core.decode('{"a":null,"b":[null]}')
    assert.are.equal(core.null, v.a)
    assert.are.equal(core.null, v.b[1])
    assert.are.equal('{"a":null}', core.encode({ a = core.null }))
  end)

  it("marks every decoded array, so [] and emptied arrays go back as []; {} stays {}", function()
    -- objects of one key each: cjson writes keys in hash order
    for _, text in ipairs { "[]", "{}", "[[]]", "[{}]", '{"a":[]}', '{"b":{}}', '[{"a":[[],[[]]]},{"b":{"c":{}}}]',
        "[ ]", "[\n\t ]", '[1,[],"x",{}]' } do
      local compact = text:gsub("%s", "")
      assert.are.equal(compact, core.encode(core.decode(text)))
    end
    local v = core.decode('{"lists":[{"id":"l1"}],"tags":[],"attributes":{}}')
    assert.are.equal(ARRAY_MT, getmetatable(v.lists))
    assert.are.equal(ARRAY_MT, getmetatable(v.tags))
    assert.is_nil(getmetatable(v.attributes))
    assert.is_nil(next(v.tags))
    table.remove(v.lists)
    assert.are.same({ lists = "[]", tags = "[]", attributes = "{}" }, {
      lists = core.encode(v.lists), tags = core.encode(v.tags), attributes = core.encode(v.attributes) })
    assert.are.equal(ARRAY_MT, getmetatable(core.decode("[[1]]")[1]))
  end)

  it("reads integers up to 64 bits exactly; past that a float, whose digits still go back", function()
    local v = core.decode('{"max":9223372036854775807,"min":-9223372036854775808,"twenty":12345678901234567890,'
      .. '"neg":-12345678901234567890,"list":[9007199254740993]}')
    if HAS_INTEGERS then
      assert.are.equal(math.maxinteger, v.max)
      assert.are.equal(math.mininteger, v.min)
      assert.are.equal(9007199254740993, v.list[1])
      -- 20 digits do not fit 64 bits: a float, never a wrapped integer
      assert.are.equal("float", math.type(v.twenty))
    end
    assert.are.equal(1.2345678901234567e19, v.twenty)
    assert.are.equal(-1.2345678901234567e19, v.neg)
    local text = core.encode(v)
    for _, digits in ipairs { '"max":9223372036854775807', '"min":-9223372036854775808',
        '"twenty":12345678901234567890', '"neg":-12345678901234567890', '"list":[9007199254740993]' } do
      assert.is_truthy(text:find(digits, 1, true), text)
    end
    -- a changed value is written as it is now, not as it was read
    v.twenty = v.twenty * 2
    assert.is_nil(core.encode(v):find('"twenty":12345678901234567890', 1, true))
    assert.are.equal(v.twenty, core.decode(core.encode(v)).twenty)
  end)

  it("finds empty arrays and long integers wherever they sit in the text", function()
    -- the byte pass steps 8 and 16 bytes at a time: try every offset, after ASCII and after UTF-8
    for pad = 0, 40 do
      for _, prefix in ipairs { '["', '[[],"', '[1,2,"' } do
        local text = prefix .. ("x"):rep(pad) .. 'é😀"]'
        assert.is_table(core.decode(text), text)
        assert.is_nil(core.decode(prefix .. ("x"):rep(pad) .. '\195\169\169"]'), "a stray continuation byte")
      end
      for _, filler in ipairs { "x", "é" } do
        local text = '{"p":"' .. filler:rep(pad) .. '","n":' .. "9007199254740993" .. ',"a":[ \n\t],"q":"'
          .. filler:rep(pad % 7) .. '","b":[],"m":-12345678901234567890}'
        local v = assert(core.decode(text))
        local out = core.encode(v)
        for _, piece in ipairs { '"n":9007199254740993', '"a":[]', '"b":[]', '"m":-12345678901234567890' } do
          assert.is_truthy(out:find(piece, 1, true), piece .. " not in " .. out)
        end
      end
    end
  end)

  it("leaves numbers with fractions or exponents, and strings that look like markers, alone", function()
    local v = core.decode('{"f":1.5,"e":1e3,"big":1234567890123456789.5,"exp":12345678901234567890e-3,'
      .. '"s":"[]","digits":"12345678901234567890","k":{"12345678901234567890":[]}}')
    assert.are.equal(1.5, v.f)
    assert.are.equal(1000, v.e)
    assert.are.equal(1234567890123456789.5, v.big)
    assert.are.equal(12345678901234567890e-3, v.exp)
    assert.are.equal("[]", v.s)
    assert.are.equal("12345678901234567890", v.digits)
    assert.are.equal("[]", core.encode(v.k["12345678901234567890"]))
    -- a server string shaped like a marker stays a string: the marker's nonce is this process's secret
    for _, forged in ipairs { "sk0123456789abcdef#12345678901234567890", "sk0123456789abcdef[",
        "sk0123456789abcdef:1", "\\u0000sk0123456789abcdef#12345678901234567890", "\\u0000sk0123456789abcdef[" } do
      local w = core.decode('{"a":"' .. forged .. '","b":["' .. forged .. '"],"c":[]}')
      local raw = forged:gsub("\\u0000", "\0")
      assert.are.equal(raw, w.a)
      assert.are.equal(1, #w.b)
      assert.are.equal(w.a, w.b[1])
      assert.are.equal('"' .. forged .. '"', core.encode(w.a))
    end
  end)

  it("keeps one array marker when the module is loaded again in the same state", function()
    local decoded = core.decode('{"a":[1]}')
    local again = package.loadlib(package.searchpath("sakari.core", package.cpath), "luaopen_sakari_core")()
    table.remove(decoded.a)
    assert.are.equal('{"a":[]}', again.encode(decoded))
    assert.are.equal(getmetatable(core.array()), getmetatable(again.array()))
  end)

  it("writes an array marked with core.array as [] even when empty", function()
    assert.are.equal("[]", core.encode(core.array()))
    assert.are.equal('{"lists":[]}', core.encode({ lists = core.array() }))
    assert.are.equal("[1,2]", core.encode(core.array({ 1, 2 })))
    assert.are.equal("{}", core.encode({}))
  end)

  it("leaves a caller's strings alone, NUL bytes included", function()
    local text = "a\0b \"quoted\" \\ é 日本"
    assert.are.equal(text, core.decode(core.encode({ text }))[1])
  end)

  it("checks UTF-8 wherever the bad byte sits, however long the ASCII before it", function()
    for n = 0, 20 do
      local ascii = ("a"):rep(n)
      assert.are.equal('["' .. ascii .. 'é"]', core.encode({ ascii .. "é" }))
      assert.is_false(pcall(core.encode, { ascii .. "\255" }))
      assert.is_false(pcall(core.encode, { ascii .. "\195" })) -- a sequence cut short
      assert.is_nil(core.decode('["' .. ascii .. '\237\160\128"]')) -- a surrogate
    end
  end)

  it("names the place of a value JSON cannot carry", function()
    local cyclic = {}
    cyclic.self = cyclic
    local cases = {
      { { a = { f = print } }, "value.a.f: a function has no JSON form" },
      { { n = 0 / 0 }, "value.n: NaN is not a JSON number" },
      { { n = math.huge }, "value.n: infinity is not a JSON number" },
      { { s = "\255" }, "value.s: string is not valid UTF-8" },
      { { 1, nil, 3 }, "array has holes" },
      { { 1, x = 2 }, "mixes array items and object keys" },
      { { [true] = 1 }, "table key of type boolean" },
      { { [1.5] = 1 }, "not an array index" },
      { cyclic, "value.self: table refers to itself" },
      { { c = coroutine.create(function() end) }, "a thread has no JSON form" },
      { { u = io.stdout }, "a userdata has no JSON form" },
    }
    for _, case in ipairs(cases) do
      local ok, err = pcall(core.encode, case[1])
      assert.is_false(ok)
      assert.is_truthy(err:find(case[2], 1, true), err)
    end
  end)

  it("accepts nesting up to 1000 levels and refuses deeper", function()
    local nest = require "spec.support.nest"
    assert.is_string(core.encode(nest(1000)))
    local ok, err = pcall(core.encode, nest(1001))
    assert.is_false(ok)
    assert.is_truthy(err:find("nested deeper than 1000 levels", 1, true))
  end)

  it("returns nil and a message for text that is not JSON", function()
    for _, text in ipairs { "{bad", "", "NaN", "[1,]", "0x10", "Infinity" } do
      local v, err = core.decode(text)
      assert.is_nil(v)
      assert.is_string(err)
    end
  end)
end)

describe("loading without lua-cjson", function()
  it("says which package to install", function()
    local interpreter = jit and "luajit" or ("lua" .. _VERSION:match("%d+%.%d+"))
    local build = os.getenv("SAKARI_BUILD_DIR") or ("build/" .. interpreter)
    local script, out = os.tmpname(), os.tmpname()
    local f = assert(io.open(script, "w"))
    -- every searcher still runs, but none of them finds cjson
    f:write(([[
      package.cpath = %q .. "/?.so;" .. package.cpath
      package.path = "lua/?.lua;lua/?/init.lua;" .. package.path
      package.loaded.cjson, package.preload.cjson = nil, nil
      local searchers = package.searchers or package.loaders
      for i, search in ipairs(searchers) do
        searchers[i] = function(name)
          if name == "cjson" then return "\n\thidden by the spec" end
          return search(name)
        end
      end
      local ok, err = pcall(require, "sakari")
      io.write(tostring(ok), "\n", tostring(err))
    ]]):format(build))
    f:close()
    os.execute(("%s %s >%s 2>&1"):format(interpreter, script, out))
    f = assert(io.open(out))
    local text = f:read("*a")
    f:close()
    os.remove(script)
    os.remove(out)
    assert.are.equal("false", text:match("^(%a+)\n"), text)
    assert.is_truthy(text:find("sakari: lua-cjson is not installed (Debian/Ubuntu: apt install lua-cjson; "
      .. "elsewhere: luarocks install lua-cjson): module 'cjson' not found", 1, true), text)
  end)
end)

describe("core.escape", function()
  it("keeps RFC 3986 unreserved characters and encodes every other byte", function()
    assert.are.equal("AZaz09-._~", core.escape("AZaz09-._~"))
    assert.are.equal("a%2Fb%20c%3F%23%25%00%0D%0A", core.escape("a/b c?#%\0\r\n"))
    assert.are.equal("%C3%A9", core.escape("é"))
  end)

  it("encodes a segment made only of dots, which a server would read as a step", function()
    assert.are.equal("%2E", core.escape("."))
    assert.are.equal("%2E%2E", core.escape(".."))
    assert.are.equal("a..b", core.escape("a..b"))
  end)
end)

describe("core.prepare", function()
  it("builds the URL with a sorted, encoded query and the JSON body", function()
    local p = core.prepare(req {
      method = "PUT",
      url = "http://h/v1/x",
      query = { limit = 10, tags = { "a", "b c" }, z = true, f = 1.5, q = "é&=" },
      headers = { Authorization = "Bearer t" },
      raw_body = core.encode { a = 1 }, content_type = "application/json",
    })
    assert.are.equal("PUT", p.method)
    assert.are.equal("http://h/v1/x?f=1.5&limit=10&q=%C3%A9%26%3D&tags=a&tags=b%20c&z=true", p.url)
    assert.are.equal('{"a":1}', p.body)
    assert.are.equal("Bearer t", p.headers.Authorization)
    assert.are.equal("application/json", p.headers["Content-Type"])
    assert.are.equal("application/json", p.headers.Accept)
    assert.are.equal(10, p.timeout)
    assert.are.equal(5, p.connect_timeout)
  end)

  it("refuses a header value with CR, LF or NUL without echoing it", function()
    for _, bad in ipairs { "x\r\nInjected: 1", "x\n", "x\0y" } do
      local ok, err = pcall(core.prepare, req { method = "GET", url = "http://h/", headers = { Authorization = bad } })
      assert.is_false(ok)
      assert.is_truthy(err:find("contains CR, LF or NUL", 1, true))
      assert.is_falsy(err:find(bad, 1, true))
    end
  end)

  it("refuses malformed requests", function()
    local cases = {
      { { method = "FETCH", url = "http://h/" }, "method must be one of" },
      { { method = "GET", url = "ftp://h/" }, "must start with http" },
      { { method = "GET", url = 80 }, "request 'url' must be a string" },
      { { method = "PUT", url = "http://h/", raw_body = { a = 1 } }, "request 'raw_body' must be a string" },
      { { method = "GET", url = "http://h/a b" }, "space, control character" },
      { { method = "GET", url = "http://h/", query = { [1] = "x" } }, "query keys must be strings" },
      { { method = "GET", url = "http://h/", query = { a = {} , b = print } }, "query parameter 'b'" },
      { { method = "GET", url = "http://h/", headers = { ["Bad Name"] = "x" } }, "not a valid HTTP token" },
      { { method = "POST", url = "http://h/", raw_body = "x" }, "raw_body needs a content_type" },
      { { method = "POST", url = "http://h/", raw_body = "x", content_type = 123456789013 },
        "raw_body needs a content_type string" },
      { { method = "POST", url = "http://h/", raw_body = "x", content_type = "a/b",
          multipart = { { name = "a", data = "b" } } }, "either raw_body or multipart" },
      -- the Lua layer encodes bodies (endpoint.lua); core takes the bytes
      { { method = "POST", url = "http://h/", body = { a = 1 } }, "body is not taken; pass JSON text as raw_body" },
      { { method = "GET", url = "http://h/", timeout = -1 }, "between 0 and 86400" },
      { { method = "GET", url = "http://h/", connect_timeout = 86401 }, "connect_timeout must be between 0 and 86400" },
      -- no defaults in C: the settings live in the Lua layer
      { { method = "GET", url = "http://h/", timeout = false }, "timeout must be a number of seconds (got nil)" },
      { { method = "GET", url = "http://h/", connect_timeout = false },
        "connect_timeout must be a number of seconds (got nil)" },
    }
    for _, case in ipairs(cases) do
      local r = req(case[1])
      for k, v in pairs(r) do if v == false then r[k] = nil end end
      local ok, err = pcall(core.prepare, r)
      assert.is_false(ok)
      assert.is_truthy(err:find(case[2], 1, true), err)
    end
  end)
end)

describe("core.session", function()
  local base

  before_each(function()
    base = sandbox.url()
    sandbox.reset()
  end)

  it("is safe to close twice, and refuses requests once closed", function()
    local s = core.session()
    s:close()
    s:close()
    local ok, err = pcall(s.request, s, req { method = "GET", url = base .. "/_sandbox/requests" })
    assert.is_false(ok)
    assert.is_truthy(err:find("closed session", 1, true))
  end)

  it("reuses one connection across requests", function()
    local s = core.session()
    local hdr = { Authorization = "Bearer " .. sandbox.TOKEN }
    for _ = 1, 5 do
      local r = s:request(req { method = "GET", url = base .. "/v1/accounts/sandbox-account/contacts/seed-contact",
        headers = hdr })
      assert.are.equal(200, r.status)
    end
    assert.are.equal(1, s:connections())
    s:close()
  end)

  it("hands back raw bytes when asked, and sends a multipart body built by libcurl", function()
    local s = core.session()
    local r = s:request(req { method = "GET", url = base .. "/_sandbox/requests", raw_response = true })
    assert.are.equal(200, r.status)
    assert.are.equal("application/json", r.headers["content-type"])
    assert.is_string(r.body)
    assert.is_truthy(r.body:find('"requests"', 1, true))

    s:request(req { method = "POST", url = base .. "/v1/upload-probe",
      multipart = { { name = "media", data = "\0\1bytes\255", filename = "a.png", content_type = "image/png" } } })
    -- a success's headers are built only when asked for; an error's always
    local plain = s:request(req { method = "GET", url = base .. "/_sandbox/requests" })
    assert.is_nil(plain.headers)
    local wanted = s:request(req { method = "GET", url = base .. "/_sandbox/requests", want_headers = true })
    assert.are.equal("application/json", wanted.headers["content-type"])
    local failed = s:request(req { method = "GET", url = base .. "/v1/nowhere" })
    assert.are.equal(404, failed.status)
    assert.are.equal("application/json", failed.headers["content-type"])
    local raw404 = s:request(req { method = "GET", url = base .. "/v1/nowhere", raw_response = true })
    assert.are.equal(404, raw404.status)
    assert.are.equal("table", type(core.decode(raw404.body)))

    local logged = sandbox.requests()
    local r2 = logged[#logged - 2]
    assert.are.equal("POST", r2.method)
    assert.is_truthy(r2.headers["content-type"]:find("^multipart/form%-data; boundary="))
    s:close()
  end)

  it("sends each method as itself on one reused handle, a body only where one belongs", function()
    local s = core.session()
    local probe = base .. "/v1/method-probe"
    local head = s:request(req { method = "HEAD", url = probe })
    assert.are.equal(404, head.status)
    assert.is_nil(head.body)
    s:request(req { method = "POST", url = probe })
    s:request(req { method = "PUT", url = probe, raw_body = "{}", content_type = "application/json" })
    s:request(req { method = "DELETE", url = probe })
    s:request(req { method = "PATCH", url = probe })
    -- a GET after a HEAD on the same handle reads the answer's body again
    local get = s:request(req { method = "GET", url = probe })
    assert.are.equal(404, get.status)
    assert.is_table(get.body)
    s:close()

    local logged = sandbox.requests()
    local seen = {}
    for i = #logged - 5, #logged do
      local r = logged[i]
      seen[#seen + 1] = r.method .. " " .. r.path .. " [" .. r.body .. "] " .. tostring(r.headers["content-length"])
        .. " " .. tostring(r.headers["content-type"])
    end
    assert.are.same({
      "HEAD /v1/method-probe [] nil nil",
      "POST /v1/method-probe [] 0 nil",
      "PUT /v1/method-probe [{}] 2 application/json",
      "DELETE /v1/method-probe [] nil nil",
      "PATCH /v1/method-probe [] 0 nil",
      "GET /v1/method-probe [] nil nil",
    }, seen)
  end)

  it("reports a refused connection as fields, never a success", function()
    local s = core.session()
    local r = s:request(req { method = "GET", url = sandbox.closed_port_url() .. "/x", connect_timeout = 2 })
    assert.is_nil(r.status)
    assert.are.equal("connect", r.kind)
    assert.are.equal(7, r.curl_code) -- CURLE_COULDNT_CONNECT
    assert.is_string(r.reason)
    assert.is_nil(r.truncated)
    s:close()
  end)

  it("reports a body that is not JSON as fields: kind, reason, excerpt, bad_utf8", function()
    local s = core.session()
    sandbox.fault({ path = "/v1/", status = 200, content_type = "text/html", body = "<p>Hello\nproxy</p>" })
    local r = s:request(req { method = "GET", url = base .. "/v1/accounts/x/contacts" })
    assert.are.equal(200, r.status)
    assert.are.equal("decode", r.kind)
    assert.are.equal("<p>Hello proxy</p>", r.excerpt)
    assert.is_string(r.reason)
    assert.is_nil(r.bad_utf8)
    assert.is_nil(r.body)
    sandbox.fault({ path = "/v1/", status = 502, content_type = "text/plain",
      body_base64 = core.base64("caf\233 " .. ("x"):rep(300)) })
    r = s:request(req { method = "GET", url = base .. "/v1/accounts/x/contacts" })
    assert.are.equal(502, r.status)
    assert.are.equal("decode", r.kind)
    assert.is_true(r.bad_utf8)
    assert.are.equal(203, #r.excerpt) -- the first 200 bytes, then "..."
    assert.are.equal("...", r.excerpt:sub(-3))
    s:close()
  end)

  it("marks an answer cut short as truncated", function()
    local s = core.session()
    sandbox.fault({ path = "/v1/", truncate = true })
    local r = s:request(req { method = "GET", url = base .. "/v1/accounts/sandbox-account/contacts/seed-contact",
      headers = { Authorization = "Bearer " .. sandbox.TOKEN } })
    assert.is_nil(r.status)
    assert.are.equal("transport", r.kind)
    assert.are.equal(18, r.curl_code) -- CURLE_PARTIAL_FILE
    assert.is_true(r.truncated)
    s:close()
  end)
end)

describe("core.answer", function()
  it("makes of a transport's answer the table a session makes", function()
    local r = core.answer(200, { ["content-type"] = "application/json" }, '{"data":{"lists":[],"n":1}}')
    assert.are.equal(200, r.status)
    assert.are.equal("application/json", r.headers["content-type"])
    assert.are.equal("[]", core.encode(r.body.data.lists))
    assert.are.equal("1", tostring(r.body.data.n))
    local bad = core.answer(500, {}, "<html>oops</html>")
    assert.are.same({ status = 500, headers = {}, kind = "decode", excerpt = "<html>oops</html>", reason = bad.reason },
      bad)
    assert.are.same({ status = 200, headers = {}, body = "a,b\n" }, core.answer(200, {}, "a,b\n", true))
    assert.are.same({ status = 204, headers = {} }, core.answer(204, {}, ""))
  end)
end)

describe("core.multi", function()
  it("runs requests concurrently and hands each result back once, with its id", function()
    local base = sandbox.url()
    sandbox.reset()
    local m = core.multi()
    local ids = {}
    for i = 1, 20 do
      local id = m:add(req { method = "GET", url = base .. "/v1/accounts/sandbox-account/contacts/seed-contact",
        headers = { Authorization = "Bearer " .. sandbox.TOKEN }, query = { n = i } })
      ids[id] = true
    end
    assert.are.equal(20, m:pending())
    local seen = 0
    while m:pending() > 0 do
      for _, r in ipairs(m:poll(1)) do
        assert.is_true(ids[r.id])
        ids[r.id] = nil
        assert.are.equal(200, r.status)
        assert.are.equal("seed-contact", r.body.data.id)
        seen = seen + 1
      end
    end
    assert.are.equal(20, seen)
    assert.are.same({}, m:poll(0))
    m:close()
    m:close()
    assert.is_false(pcall(m.add, m, req { method = "GET", url = base }))
  end)

  it("never blocks on poll(0) and reports a transport failure per request, as a session does", function()
    local m = core.multi()
    m:add(req { method = "GET", url = sandbox.closed_port_url() .. "/x", connect_timeout = 2 })
    local results = {}
    for _ = 1, 200 do
      for _, r in ipairs(m:poll(0.05)) do results[#results + 1] = r end
      if #results > 0 then break end
    end
    assert.are.equal(1, #results)
    assert.are.equal("connect", results[1].kind)
    assert.are.equal(7, results[1].curl_code)
    assert.is_nil(results[1].status)
    m:close()
  end)

  it("refuses a malformed request at add, with nothing started", function()
    local m = core.multi()
    assert.is_false(pcall(m.add, m, req { method = "GET", url = "http://h/", headers = { A = "x\r\n" } }))
    assert.is_false(pcall(m.add, m, { method = "GET", url = "http://h/" })) -- no timeouts
    assert.are.equal(0, m:pending())
    m:close()
  end)
end)

describe("core HMAC and base64", function()
  it("matches the RFC 4648 base64 vectors, both alphabets", function()
    local vectors = { [""] = "", f = "Zg==", fo = "Zm8=", foo = "Zm9v", foob = "Zm9vYg==", fooba = "Zm9vYmE=",
      foobar = "Zm9vYmFy" }
    for plain, encoded in pairs(vectors) do
      assert.are.equal(encoded, core.base64(plain))
      assert.are.equal(plain, core.unbase64(encoded))
      assert.are.equal((encoded:gsub("=", "")), core.base64(plain, "url"))
    end
    assert.are.equal("__4", core.base64("\255\254", "url"))
    assert.are.equal("\255\254", core.unbase64("__4"))
    assert.are.equal("\251\255", core.unbase64("+/8="))
    assert.are.equal('{"exp":1700000000}', core.unbase64("eyJleHAiOjE3MDAwMDAwMDB9"))
    assert.is_nil(core.unbase64("not base64!"))
    assert.is_nil(core.unbase64("a"))
    assert.is_nil(core.unbase64("ab$d"))
  end)

  it("matches the RFC 2202 and RFC 4231 HMAC vectors", function()
    local function hex(s) return (s:gsub(".", function(c) return ("%02x"):format(c:byte()) end)) end
    assert.are.equal("effcdf6ae5eb2fa2d27416d5f184df9c259a7c79",
      hex(core.hmac_sha1("Jefe", "what do ya want for nothing?")))
    assert.are.equal("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
      hex(core.hmac_sha256("Jefe", "what do ya want for nothing?")))
  end)
end)

describe("core SIGINT watch", function()
  it("turns Ctrl-C into a flag while watched, and gives the signal back after", function()
    assert.is_false(core.watch_sigint(true))
    assert.is_false(core.interrupted())
    -- in the background: os.execute's own shell ignores SIGINT while it waits
    os.execute("(sleep 0.1; kill -INT $PPID) &")
    core.sleep(0.5) -- a signal does not cut the sleep short
    assert.is_true(core.interrupted())
    assert.is_true(core.watch_sigint(false))
    assert.is_false(core.watch_sigint(false))
  end)
end)
