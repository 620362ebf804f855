-- The nginx tests, driven from Lua 5.4 (spec/nginx/run.sh runs this):
--
--   lua5.4 spec/nginx/test.lua PREFIX
--
-- from the repository root. Starts the sandbox (it exits with this process),
-- writes PREFIX/nginx.conf from spec/nginx/nginx.conf.in and starts nginx with
-- PREFIX as its prefix (run.sh stops it through PREFIX/nginx.pid whatever
-- happens), then checks: content_by_lua with the module, the subrequest
-- transport case by case (through the shipped nginx/*.conf includes), base_url
-- choosing the upstream (HTTP and the HTTPS sandbox, its certificate verified),
-- 50 concurrent requests through subrequests against a 200 ms sandbox (well
-- under 50 x 200 ms), the same 50 through the blocking default (serialized by
-- the one worker), a batch of 50 calls inside one request (about one delay),
-- and examples/openresty/nginx.conf.
-- Prints one line per case and "nginx: N passed, N failed".
package.path = "lua/?.lua;lua/?/init.lua;./?.lua;" .. package.path
package.cpath = "build/lua5.4/?.so;" .. package.cpath

local core = require "sakari.core"
local sandbox = require "spec.support.sandbox"
local https = require "spec.support.https_sandbox"

local PREFIX = assert(arg[1], "usage: lua5.4 spec/nginx/test.lua PREFIX")
local REPO = io.popen("pwd -P"):read("l")
local MODULES = os.getenv("NGINX_MODULES") or "/usr/lib/nginx/modules"
local ACC, SEED = sandbox.ACCOUNT, sandbox.SEED_CONTACT
local SEED_PATH = "/v1/accounts/sandbox-account/contacts/seed-contact"
local CONCURRENT, DELAY = 50, 0.2

local runner = require("spec.support.plain_runner").new("nginx")
local say, check = runner.say, runner.check
local function test(name, fn) runner:test(name, fn) end

local fs = require "spec.support.fs"
local sh, read_file, write_file = fs.sh, fs.read, fs.write

local function free_port()
  local handle = io.popen("/usr/bin/python3 -c 'import socket; s=socket.socket(); "
    .. "s.bind((\"127.0.0.1\", 0)); print(s.getsockname()[1]); s.close()'")
  local port = handle:read("l")
  handle:close()
  return assert(tonumber(port), "no free port")
end

local function fill(template, values)
  return (template:gsub("@([%u_]+)@", function(name) return assert(values[name], "no value for @" .. name .. "@") end))
end

local function plain(text, pattern, replacement)
  local at, stop = text:find(pattern, 1, true)
  assert(at, "not found in the config: " .. pattern)
  return text:sub(1, at - 1) .. replacement .. text:sub(stop + 1)
end

local function shell_quote(s) return "'" .. s:gsub("'", "'\\''") .. "'" end

local SANDBOX = sandbox.url()
local HTTPS_SANDBOX = https.url()
local PORT, SLOW_PORT, TRUST_PORT = free_port(), free_port(), free_port()
local BASE = "http://127.0.0.1:" .. PORT
-- a server {} with proxy_read_timeout 500ms, and one trusting the HTTPS sandbox
local SLOW_BASE, TRUST_BASE = "http://127.0.0.1:" .. SLOW_PORT, "http://127.0.0.1:" .. TRUST_PORT
local ENV = ("SAKARI_API_URL=%s SAKARI_ACCESS_TOKEN=%s SAKARI_ACCOUNT_ID=%s"):format(SANDBOX, sandbox.TOKEN, ACC)

-- Starts nginx on conf (its prefix is prefix), waits until url answers.
local function start_nginx(prefix, conf, url)
  local command = ("%s nginx -p %s -c %s -e %s/error.log >%s/start.log 2>&1"):format(
    ENV, shell_quote(prefix), shell_quote(conf), shell_quote(prefix), shell_quote(prefix))
  if not sh(command) then
    error("nginx did not start:\n" .. (read_file(prefix .. "/start.log") or "")
      .. (read_file(prefix .. "/error.log") or ""):sub(-2000))
  end
  local probe = core.session()
  for _ = 1, 100 do
    if probe:request({ method = "GET", url = url, raw_response = true, timeout = 2, connect_timeout = 1 }).status then
      probe:close()
      return
    end
    sh("sleep 0.05")
  end
  probe:close()
  error("nginx does not answer at " .. url)
end

local session = core.session()

-- One request to nginx (opts.base: another of its servers): status, headers, body (raw bytes).
local function http(method, path, opts)
  opts = opts or {}
  local r = session:request {
    method = method, url = (opts.base or BASE) .. path, headers = opts.headers,
    raw_body = opts.body, content_type = opts.body and (opts.content_type or "application/json"),
    raw_response = true, timeout = 30, connect_timeout = 5,
  }
  if not r.status then error(("%s %s: %s"):format(method, path, r.reason), 2) end
  return r.status, r.headers, r.body
end

-- opts.base_url: the base_url of the probe's clients (default SAKARI_API_URL)
local function probe(name, opts)
  local query = opts and opts.base_url and "?base_url=" .. opts.base_url:gsub("[^%w]", function(c)
    return ("%%%02X"):format(c:byte())
  end) or ""
  local status, _, body = http(opts and opts.method or "GET", "/probe/" .. name .. query, opts)
  check(status == 200, "probe %s: HTTP %d %s\nerror.log: %s", name, status, body,
    (read_file(PREFIX .. "/error.log") or ""):sub(-1500))
  local result = core.decode(body)
  check(type(result) == "table", "probe %s: %s", name, body)
  return result
end

-- `n` concurrent GETs of path, all in flight at once; returns the wall time
-- and the number that answered 200 with the seed contact.
local function fire(path, n)
  local multi = core.multi()
  local started = core.now()
  for _ = 1, n do
    multi:add { method = "GET", url = BASE .. path, raw_response = true, timeout = 60, connect_timeout = 5 }
  end
  local good, problems = 0, {}
  local deadline = started + 90
  while multi:pending() > 0 and core.now() < deadline do
    for _, r in ipairs(multi:poll(1)) do
      local contact = r.status == 200 and core.decode(r.body)
      if type(contact) == "table" and contact.id == SEED then
        good = good + 1
      else
        problems[#problems + 1] = r.reason or (tostring(r.status) .. " " .. tostring(r.body))
      end
    end
  end
  local wall = core.now() - started
  multi:close()
  return wall, good, problems
end

local function main()
  -- the worker runs as nobody: it must reach the prefix (nginx makes the temp
  -- directories itself, owned by the worker's user)
  assert(sh(("mkdir -p %s/example && chmod 755 %s %s/example"):format(
    shell_quote(PREFIX), shell_quote(PREFIX), shell_quote(PREFIX))))
  local conf = fill(read_file("spec/nginx/nginx.conf.in"), {
    PREFIX = PREFIX, REPO = REPO, PORT = tostring(PORT), SLOW_PORT = tostring(SLOW_PORT),
    TRUST_PORT = tostring(TRUST_PORT), TLS_PORT = HTTPS_SANDBOX:match(":(%d+)$"), CA = https.ca_file(),
    MODULES = MODULES,
  })
  write_file(PREFIX .. "/nginx.conf", conf)
  start_nginx(PREFIX, PREFIX .. "/nginx.conf", BASE .. "/probe/none")
  say(("nginx: %s on %s, sandbox on %s"):format(
    io.popen("nginx -v 2>&1"):read("l") or "nginx", BASE, SANDBOX))

  test("content_by_lua calls the module (blocking libcurl) and returns the contact", function()
    sandbox.reset()
    local status, headers, body = http("GET", "/blocking/contacts/" .. SEED)
    check(status == 200, "HTTP %d %s", status, body)
    check(headers["content-type"] == "application/json", "content-type %s", tostring(headers["content-type"]))
    local contact = core.decode(body)
    check(contact.id == SEED and contact.hubspot.id == 123 and contact.mobile.lineType == "mobile", "%s", body)
    check(#sandbox.requests() == 1, "%d requests", #sandbox.requests())
  end)

  test("the same through the subrequest transport", function()
    sandbox.reset()
    local status, _, body = http("GET", "/contacts/" .. SEED)
    check(status == 200, "HTTP %d %s", status, body)
    local contact = core.decode(body)
    check(contact.id == SEED and contact.hubspot.id == 123 and contact.firstName ~= nil, "%s", body)
    local r = sandbox.requests()[1]
    check(r.method == "GET" and r.path == SEED_PATH, "%s %s", r.method, r.path)
  end)

  test("a PUT through a subrequest sends the transport's headers and body, none of the client's", function()
    sandbox.reset()
    local fields = { firstName = "Bob", lastName = "Thomson", mobile = { number = "+1234567890", country = "US" } }
    local status, _, body = http("PUT", "/contacts/" .. SEED, {
      body = core.encode(fields),
      headers = { Cookie = "session=secret", ["X-Leak"] = "yes", Authorization = "Basic cGFyZW50OnNlY3JldA==" },
    })
    check(status == 200, "HTTP %d %s", status, body)
    local contact = core.decode(body)
    check(contact.firstName == "Bob" and contact.mobile.lineType == "mobile", "%s", body)
    local log = sandbox.requests()
    check(#log == 1, "%d requests", #log)
    local r = log[1]
    check(r.method == "PUT" and r.path == SEED_PATH, "%s %s", r.method, r.path)
    check(r.headers.authorization == "Bearer " .. sandbox.TOKEN, "authorization %s", tostring(r.headers.authorization))
    check(r.headers["content-type"] == "application/json", "content-type %s", tostring(r.headers["content-type"]))
    check(r.headers.accept == "application/json", "accept %s", tostring(r.headers.accept))
    check((r.headers["user-agent"] or ""):find("^lua%-sakari/"), "user-agent %s", tostring(r.headers["user-agent"]))
    check(r.headers.cookie == nil and r.headers["x-leak"] == nil, "a header of the client's request leaked: %s",
      core.encode(r.headers))
    local sent = core.decode(r.body)
    check(sent.firstName == "Bob" and sent.mobile.number == "+1234567890", "body %s", r.body)
  end)

  test("a GET subrequest carries no body, though the client's request had one", function()
    sandbox.reset()
    local result = probe("get_with_parent_body", { method = "POST", body = "parent-secret-body",
      content_type = "text/plain" })
    check(result.ok and result.id == SEED, "%s", core.encode(result))
    local r = sandbox.requests()[1]
    check(r.method == "GET" and (r.body or "") == "" and r.headers["content-length"] == nil,
      "sent %s with body %q, content-length %s", r.method, tostring(r.body), tostring(r.headers["content-length"]))
    check(r.headers["content-type"] == nil, "content-type %s", tostring(r.headers["content-type"]))
  end)

  test("a PUT without a body sends an empty one, not the client's", function()
    sandbox.reset()
    local result = probe("close_without_body", { method = "POST", body = "parent-secret-body",
      content_type = "text/plain" })
    check(result.ok and result.err.status == 404, "%s", core.encode(result))
    local r = sandbox.requests()[1]
    check(r.method == "PUT" and (r.body or "") == "", "sent %s with body %q", r.method, tostring(r.body))
  end)

  test("paths and queries arrive exactly as escaped and encoded", function()
    sandbox.reset()
    local result = probe("escaping")
    check(result.ok and result.err.code == "CONT-002", "%s", core.encode(result))
    local log = sandbox.requests()
    check(log[1].path == "/v1/accounts/sandbox-account/contacts/a%2Fb%3Fc", "path %s", log[1].path)
    check(log[2].path == "/v1/accounts/sandbox-account/contacts?firstName=Zo%C3%AB&limit=5", "path %s", log[2].path)
  end)

  test("Sakari's errors come back as they are (404 CONT-002, 502 with its body)", function()
    sandbox.reset()
    local result = probe("not_found")
    check(result.err.status == 404 and result.err.code == "CONT-002", "%s", core.encode(result))
    sandbox.fault { path = SEED_PATH, status = 502 }
    result = probe("upstream_502")
    check(result.err.status == 502 and result.err.code == "FAULT-502", "%s", core.encode(result))
  end)

  test("nginx's own failures become transport codes: connect, timeout, transport", function()
    sandbox.reset()
    local closed = sandbox.closed_port_url()
    local result = probe("connect", { base_url = closed })
    check(result.err.code == "connect" and result.err.status == nil, "refused: %s", core.encode(result))
    result = probe("connect_send", { base_url = closed })
    check(result.err.code == "connect" and result.attempts == 2,
      "a message that never left is tried again: %s", core.encode(result))
    result = probe("nofilter", { base_url = closed })
    check(result.err.code == "transport" and result.err.message:find("nginx could not connect", 1, true) == nil
      and result.err.message:find("upstream connection failed", 1, true),
      "without the header filter: %s", core.encode(result))
    sandbox.fault { path = SEED_PATH, delay = 2 }
    result = probe("timeout", { base = SLOW_BASE })
    check(result.err.code == "timeout", "slow: %s", core.encode(result))
    sandbox.reset()
    sandbox.fault { method = "POST", path = "/v1/accounts/sandbox-account/contacts", drop = true }
    result = probe("drop_post")
    check(result.err.code == "transport", "dropped: %s", core.encode(result))
    local posts = 0
    for _, r in ipairs(sandbox.requests()) do if r.method == "POST" then posts = posts + 1 end end
    check(posts == 1, "a POST that may have arrived was sent %d times", posts)
    result = probe("missing_location")
    check(result.err.code == "transport" and result.err.message:find("location", 1, true), "%s", core.encode(result))
  end)

  test("retries wait with ngx.sleep and succeed", function()
    sandbox.reset()
    sandbox.fault { path = SEED_PATH, status = 503 }
    local result = probe("retry")
    check(result.ok and result.id == SEED, "%s", core.encode(result))
    check(#sandbox.requests() == 2, "%d requests", #sandbox.requests())
  end)

  test("client credentials: the token is fetched through a subrequest too, then reused", function()
    sandbox.reset()
    local result = probe("oauth")
    check(result.ok, "%s", core.encode(result))
    local lines = sandbox.request_lines()
    check(#lines == 3 and lines[1] == "POST /oauth2/token", "%s", table.concat(lines, ", "))
  end)

  test("batch through the transport: good calls, a 404, a bad call and a retried 503, each its own result",
      function()
    sandbox.reset()
    sandbox.fault { method = "GET", path = SEED_PATH, status = 503 }
    local result = probe("batch")
    check(result.ok and result.first == SEED and result.second == "CONT-002" and result.second_status == 404
      and result.third == "argument" and result.fourth == "Batched", "%s", core.encode(result))
    local lines = sandbox.request_lines()
    table.sort(lines)
    check(table.concat(lines, ", ") == table.concat({ "GET /v1/accounts/sandbox-account/contacts/missing",
      "GET " .. SEED_PATH, "GET " .. SEED_PATH, "POST /v1/accounts/sandbox-account/contacts" }, ", "),
      "%s", table.concat(lines, ", "))
    local stored = sandbox.client().contacts.get(ACC, result.fourth_id)
    check(stored and stored.firstName == "Batched", "the created contact: %s", core.encode(stored))
  end)

  test("a batch waiting out a retry's Retry-After does not hold the worker", function()
    sandbox.reset()
    sandbox.fault { path = SEED_PATH, status = 503, headers = { ["Retry-After"] = "1" } }
    local multi = core.multi()
    multi:add { method = "GET", url = BASE .. "/probe/batch_backoff", raw_response = true, timeout = 30,
      connect_timeout = 5 }
    local answers = multi:poll(0.3) -- the batch is now waiting out its second
    local started = core.now()
    local status = http("GET", "/probe_set_phase")
    local other = core.now() - started
    local deadline = core.now() + 10
    while #answers == 0 and core.now() < deadline do answers = multi:poll(1) end
    multi:close()
    local result = answers[1] and core.decode(answers[1].body)
    check(type(result) == "table" and result.ok and result.id == SEED and result.seconds >= 0.95,
      "%s", answers[1] and answers[1].body)
    check(status == 200 and other < 0.3, "another request waited %.2f s behind the batch's backoff", other)
    check(#sandbox.requests() == 2, "%d requests", #sandbox.requests())
  end)

  test("inside one request, calls in ngx.thread.spawn run at once", function()
    sandbox.reset()
    sandbox.fault { method = "GET", path = SEED_PATH, delay = 0.3, times = 3 }
    local result = probe("threads")
    check(result.ids[1] == SEED and result.ids[2] == SEED and result.ids[3] == SEED, "%s", core.encode(result))
    check(result.seconds < 0.6, "3 calls of 0.3 s took %.2f s", result.seconds)
  end)

  test("a large answer (100 contacts) arrives whole", function()
    sandbox.reset()
    sandbox.seed(120)
    local result = probe("large")
    check(result.ok and result.count == 100, "%s", core.encode(result))
  end)

  test("in set_by_lua (no subrequests) a call fails and says why", function()
    sandbox.reset()
    local status, _, body = http("GET", "/probe_set_phase")
    check(status == 200, "HTTP %d", status)
    check(body:find("no subrequests in the set phase", 1, true), "%s", body)
    check(#sandbox.requests() == 0, "something was sent")
  end)

  test("the transport's multi: with nothing to send it waits with ngx.sleep; a send that raises fails alone",
      function()
    local result = probe("multi_idle_wait")
    check(result.ok and result.seconds >= 0.25 and result.other_woke < 0.2, "%s", core.encode(result))
    check(result.raised.id and result.raised.kind == "transport" and result.raised.pending == 0
      and result.raised.reason:find("nothing is sent", 1, true), "%s", core.encode(result))
  end)

  local sub_wall
  test(("%d concurrent requests, %.0f ms each at the sandbox, through subrequests: well under %d x %.0f ms")
      :format(CONCURRENT, DELAY * 1000, CONCURRENT, DELAY * 1000), function()
    sandbox.reset()
    sandbox.fault { method = "GET", path = SEED_PATH, delay = DELAY, times = CONCURRENT }
    local wall, good, problems = fire("/contacts/" .. SEED, CONCURRENT)
    sub_wall = wall
    say(("     subrequest transport: %d requests in %.2f s (serialized would be %.1f s)"):format(
      good, wall, CONCURRENT * DELAY))
    check(good == CONCURRENT, "%d of %d answered: %s", good, CONCURRENT, table.concat(problems, "; "):sub(1, 500))
    check(wall < CONCURRENT * DELAY / 3, "took %.2f s", wall)
  end)

  test(("the same %d through the blocking default: the worker serializes them"):format(CONCURRENT), function()
    sandbox.reset()
    sandbox.fault { method = "GET", path = SEED_PATH, delay = DELAY, times = CONCURRENT }
    local wall, good, problems = fire("/blocking/contacts/" .. SEED, CONCURRENT)
    say(("     blocking libcurl: %d requests in %.2f s (%.1fx the subrequest figure)"):format(
      good, wall, sub_wall and wall / sub_wall or 0))
    check(good == CONCURRENT, "%d of %d answered: %s", good, CONCURRENT, table.concat(problems, "; "):sub(1, 500))
    check(wall >= CONCURRENT * DELAY * 0.9, "took only %.2f s: not serialized?", wall)
  end)

  local batch_wall
  test(("client.batch of %d calls inside one request, %.0f ms each at the sandbox: about one delay, in order")
      :format(CONCURRENT, DELAY * 1000), function()
    sandbox.reset()
    local ids = sandbox.seed(CONCURRENT)
    sandbox.fault { method = "GET", path = "/v1/accounts/sandbox-account/contacts/", delay = DELAY,
      times = CONCURRENT }
    local result = probe("batch_many", { method = "POST", body = core.encode { ids = ids, concurrency = CONCURRENT } })
    batch_wall = result.seconds
    say(("     client.batch: %d calls in %.2f s (one by one would be %.1f s)"):format(
      #result.ids, result.seconds, CONCURRENT * DELAY))
    check(result.ok and #result.ids == CONCURRENT, "%s", core.encode(result):sub(1, 500))
    for i, id in ipairs(ids) do check(result.ids[i] == id, "result %d is %s, not %s", i, result.ids[i], id) end
    check(#sandbox.requests() == CONCURRENT, "%d requests", #sandbox.requests())
    check(result.seconds < 2 * DELAY, "took %.2f s", result.seconds)
  end)

  test("client.batch with concurrency 1 sends one call at a time", function()
    sandbox.reset()
    local ids = sandbox.seed(5)
    sandbox.fault { method = "GET", path = "/v1/accounts/sandbox-account/contacts/", delay = DELAY, times = 5 }
    local result = probe("batch_many", { method = "POST", body = core.encode { ids = ids, concurrency = 1 } })
    say(("     client.batch, concurrency 1: 5 calls in %.2f s (%d at once took %.2f s)"):format(
      result.seconds, CONCURRENT, batch_wall or 0))
    check(result.ok and result.ids[5] == ids[5], "%s", core.encode(result))
    check(result.seconds >= 5 * DELAY * 0.9, "took only %.2f s", result.seconds)
  end)

  -- the HTTPS sandbox's own log
  local tls_session = core.session { ca_file = https.ca_file() }
  local function https_control(method, path)
    local r = tls_session:request { method = method, url = HTTPS_SANDBOX .. path, timeout = 10, connect_timeout = 5 }
    check(r.status == 200, "HTTPS sandbox %s %s: %s %s", method, path, tostring(r.status), tostring(r.reason))
    return r.body
  end

  -- By address, not through the upstream block: nginx keeps a TLS session per
  -- server of an upstream block, for every location proxying to it, and a
  -- resumed session keeps the verdict of the first handshake.
  test("https: verified, against the server {}'s CA bundle and for base_url's host", function()
    https_control("POST", "/_sandbox/reset")
    local by_address = "https://127.0.0.1:" .. HTTPS_SANDBOX:match(":(%d+)$")
    local function refused(base, why)
      local log_before = #(read_file(PREFIX .. "/error.log") or "")
      local result = probe("connect", { base = base, base_url = by_address })
      check(result.err and result.err.code == "connect", "%s", core.encode(result))
      local log = (read_file(PREFIX .. "/error.log") or ""):sub(log_before + 1)
      check(log:find(why), "error.log: %s", log:sub(-1000))
    end
    -- the system's bundle (sakari_http.conf) does not vouch for the sandbox's certificate
    refused(BASE, "upstream SSL certificate verify error: %(%d+:self.signed certificate%)")
    -- the bundle that does, but the certificate names localhost, not 127.0.0.1
    refused(TRUST_BASE, "upstream SSL certificate does not match \"127%.0%.0%.1\"")
    check(#https_control("GET", "/_sandbox/requests").requests == 0, "a request reached the HTTPS sandbox")
  end)

  test("base_url decides the upstream: one function, two base_urls, two sandboxes (HTTP and HTTPS)", function()
    sandbox.reset()
    https_control("POST", "/_sandbox/reset")
    local result = probe("two_upstreams", { base = TRUST_BASE })
    check(result.ok and result.a == "ViaA" and result.b == "ViaB", "%s", core.encode(result))
    local a, b = sandbox.requests(), https_control("GET", "/_sandbox/requests").requests
    check(#a == 1 and a[1].method == "POST" and sandbox.json(a[1]).firstName == "ViaA"
      and a[1].headers.host == SANDBOX:match("^http://(.+)$"), "the HTTP sandbox got %s", core.encode(a))
    check(#b == 1 and b[1].method == "POST" and core.decode(b[1].body).firstName == "ViaB"
      and b[1].headers.host == "localhost" and b[1].headers.authorization == "Bearer " .. sandbox.TOKEN,
      "the HTTPS sandbox got %s", core.encode(b))
  end)

  test("base_url: a host name without a resolver fails as dns; userinfo is refused before nginx", function()
    local log_before = #(read_file(PREFIX .. "/error.log") or "")
    local result = probe("connect", { base_url = "http://sakari.invalid" })
    check(result.err and result.err.code == "dns" and result.err.message:find("resolver", 1, true),
      "%s", core.encode(result))
    local log = (read_file(PREFIX .. "/error.log") or ""):sub(log_before + 1)
    check(log:find("no resolver defined to resolve sakari.invalid", 1, true), "error.log: %s", log:sub(-1000))
    sandbox.reset()
    result = probe("connect", { base_url = SANDBOX:gsub("^http://", "http://user:secret@") })
    check(result.err and result.err.code == "transport" and result.err.message:find("base_url", 1, true)
      and not result.err.message:find("secret", 1, true), "%s", core.encode(result))
    check(#sandbox.requests() == 0, "sent %d requests", #sandbox.requests())
  end)

  test("examples/openresty/nginx.conf serves a contact (SAKARI_API_URL: the sandbox)", function()
    sandbox.reset()
    local example_port = free_port()
    local text = read_file("examples/openresty/nginx.conf")
    text = text:gsub("include %.%./%.%./nginx/", "include " .. REPO .. "/nginx/")
    text = plain(text, "listen 127.0.0.1:8080;", "listen 127.0.0.1:" .. example_port .. ";")
    text = text:gsub("/tmp/sakari%-nginx", PREFIX .. "/example")
    text = text:gsub("load_module /usr/lib/nginx/modules", "load_module " .. MODULES)
    write_file(PREFIX .. "/example/nginx.conf", text)
    -- -p: $prefix in lua_package_path is the repository, as the example's own instructions have it
    local command = ("%s nginx -p %s -c %s -e %s/example/error.log >%s/example/start.log 2>&1"):format(
      ENV, shell_quote(REPO), shell_quote(PREFIX .. "/example/nginx.conf"), shell_quote(PREFIX), shell_quote(PREFIX))
    check(sh(command), "the example did not start: %s", read_file(PREFIX .. "/example/start.log") or "")
    local s = core.session()
    local url = ("http://127.0.0.1:%d/contacts/%s"):format(example_port, SEED)
    local status, body
    for _ = 1, 100 do
      local r = s:request { method = "GET", url = url, raw_response = true, timeout = 10, connect_timeout = 10 }
      status, body = r.status, r.body or r.reason
      if status then break end
      sh("sleep 0.05")
    end
    s:close()
    check(status == 200, "HTTP %s %s", tostring(status), tostring(body))
    check(core.decode(body).id == SEED, "%s", body)
    local r = sandbox.requests()[1]
    check(r and r.headers.host == SANDBOX:match("^http://(.+)$")
      and r.headers.authorization == "Bearer " .. sandbox.TOKEN,
      "sent %s", r and core.encode(r.headers) or "nothing")
  end)
end

local all_passed = runner:run(function()
  local ok, why = xpcall(main, debug.traceback)
  if not ok then
    say((read_file(PREFIX .. "/error.log") or ""):sub(-3000))
    error(why, 0)
  end
end)
session:close()
os.exit(all_passed and 0 or 1)
