-- Runs inside the nginx of spec/nginx/run.sh: one case of the subrequest
-- transport per /probe/<name>, answered as JSON { ok = true, ... } or
-- { ok = false, why = "..." }. spec/nginx/test.lua checks the answers and what
-- the sandbox received. A `base_url` query argument points the probe's clients
-- elsewhere than SAKARI_API_URL.
-- luacheck: globals ngx
local sakari = require "sakari"
local core = require "sakari.core"
local transport = require "sakari.transport.nginx"

local M = {}

local ACC, SEED = "sandbox-account", "seed-contact"

local function client(overrides)
  local config = {
    access_token = os.getenv("SAKARI_ACCESS_TOKEN"),
    base_url = ngx.var.arg_base_url and ngx.unescape_uri(ngx.var.arg_base_url),
    transport = transport.new(),
    retry_backoff = 0.01,
  }
  for k, v in pairs(overrides or {}) do config[k] = v end
  return sakari.new(config)
end

local function err_fields(err)
  if not err then return nil end
  return { code = err.code, status = err.status, message = err.message, retryable = err.retryable }
end

local cases = {}

-- a GET while the client's own request is a POST with a body: no body travels
function cases.get_with_parent_body()
  local contact, err = client().contacts.get(ACC, SEED)
  return { ok = contact ~= nil, id = contact and contact.id, err = err_fields(err) }
end

function cases.escaping()
  local c = client()
  local _, err = c.contacts.get(ACC, "a/b?c")
  local page, perr = c.contacts.list(ACC, { limit = 5, firstName = "Zoë" })
  return { ok = err ~= nil and page ~= nil, err = err_fields(err), list_err = err_fields(perr) }
end

function cases.not_found()
  local _, err = client().contacts.get(ACC, "missing")
  return { ok = err ~= nil, err = err_fields(err) }
end

-- (base_url: a port where nothing listens)
function cases.connect()
  local _, err = client { max_retries = 0 }.contacts.get(ACC, SEED)
  return { ok = err ~= nil, err = err_fields(err) }
end

-- nothing was sent: even a message is tried again (and fails again here)
function cases.connect_send()
  local attempts = 0
  local c = client { max_retries = 1,
    on_request = function() attempts = attempts + 1 end }
  local _, err = c.messages.send(ACC, { contacts = { { mobile = { number = "+15555550100" } } }, template = "hi" })
  return { ok = err ~= nil, err = err_fields(err), attempts = attempts }
end

function cases.nofilter()
  local _, err = client { transport = transport.new { location = "/_sakari_nofilter" }, max_retries = 0 }
    .contacts.get(ACC, SEED)
  return { ok = err ~= nil, err = err_fields(err) }
end

-- (in the server {} with proxy_read_timeout 500ms)
function cases.timeout()
  local _, err = client { max_retries = 0 }.contacts.get(ACC, SEED)
  return { ok = err ~= nil, err = err_fields(err) }
end

-- the connection drops after the request went out: a POST is not repeated
function cases.drop_post()
  local _, err = client().contacts.create(ACC, { firstName = "Dropped", mobile = { number = "+15555550101" } })
  return { ok = err ~= nil, err = err_fields(err) }
end

function cases.upstream_502()
  local _, err = client { max_retries = 0 }.contacts.get(ACC, SEED)
  return { ok = err ~= nil, err = err_fields(err) }
end

-- a 503 then success: the retry waits with ngx.sleep
function cases.retry()
  local contact, err = client().contacts.get(ACC, SEED)
  return { ok = contact ~= nil, id = contact and contact.id, err = err_fields(err) }
end

function cases.oauth()
  local c = sakari.new { client_id = "sandbox-client-id", client_secret = "sandbox-client-secret",
    transport = transport.new() }
  local first, err = c.contacts.get(ACC, SEED)
  local second, err2 = c.contacts.get(ACC, SEED)
  return { ok = first ~= nil and second ~= nil, err = err_fields(err or err2) }
end

-- good calls and failing ones in one batch (the first is answered 503 once, then retried)
function cases.batch()
  local results = client().batch {
    { "contacts.get", ACC, SEED },
    { "contacts.get", ACC, "missing" },
    { "contacts.get", ACC, SEED, { nope = 1 } }, -- an unknown option: refused before anything is sent
    { "contacts.create", ACC, { firstName = "Batched", mobile = { number = "+15555550102" } } },
  }
  local created = results[4].value
  return {
    ok = results[1].value ~= nil and results[2].err ~= nil,
    first = results[1].value and results[1].value.id,
    second = results[2].err and results[2].err.code,
    second_status = results[2].err and results[2].err.status,
    third = results[3].err and results[3].err.code,
    fourth = created and created.firstName,
    fourth_id = created and created.id,
    errors = { err_fields(results[1].err), err_fields(results[4].err) },
  }
end

-- a batch whose one call waits out a Retry-After before its retry
function cases.batch_backoff()
  local started = ngx.now()
  local results = client().batch { { "contacts.get", ACC, SEED } }
  ngx.update_time()
  local r = results[1]
  return { ok = r.value ~= nil, id = r.value and r.value.id, err = err_fields(r.err), seconds = ngx.now() - started }
end

-- one batch of contacts.get, one per id of the POSTed { ids = {...}, concurrency = n }
function cases.batch_many()
  ngx.req.read_body()
  local input = core.decode(ngx.req.get_body_data())
  local calls = {}
  for i, id in ipairs(input.ids) do calls[i] = { "contacts.get", ACC, id } end
  local started = ngx.now()
  local results = client().batch(calls, { concurrency = input.concurrency })
  ngx.update_time()
  local ids, errs = {}, {}
  for i, r in ipairs(results) do
    ids[i] = r.value and r.value.id or core.null
    if r.err then errs[#errs + 1] = tostring(r.err) end
  end
  return { ok = #errs == 0, ids = ids, errors = errs, seconds = ngx.now() - started }
end

-- the same function with two base_urls: SAKARI_API_URL, and the HTTPS sandbox
function cases.two_upstreams()
  local a, aerr = client().contacts.create(ACC, { firstName = "ViaA", mobile = { number = "+15555550103" } })
  local b, berr = client { base_url = "https://localhost" }
    .contacts.create(ACC, { firstName = "ViaB", mobile = { number = "+15555550104" } })
  return { ok = a ~= nil and b ~= nil, a = a and a.firstName, b = b and b.firstName,
    errors = { err_fields(aerr), err_fields(berr) } }
end

function cases.missing_location()
  local _, err = client { transport = transport.new { location = "/_nowhere" }, max_retries = 0 }
    .contacts.get(ACC, SEED)
  return { ok = err ~= nil, err = err_fields(err) }
end

function cases.large()
  local page, pagination = client().contacts.list(ACC, { limit = 100 })
  if not page then return { ok = false, err = err_fields(pagination) } end
  return { ok = true, count = #page, bytes = #core.encode(page) }
end

function cases.close_without_body()
  local _, err = client().conversations.close(ACC, "no-such-conversation")
  return { ok = err ~= nil, err = err_fields(err) }
end

-- several calls at once inside one request: one light thread each
function cases.threads()
  local c = client()
  local started = ngx.now()
  local threads = {}
  for i = 1, 3 do
    threads[i] = ngx.thread.spawn(function() return c.contacts.get(ACC, SEED) end)
  end
  local ids = {}
  for i, thread in ipairs(threads) do
    local ok, contact, err = ngx.thread.wait(thread)
    ids[i] = ok and contact and contact.id or tostring(err)
  end
  ngx.update_time()
  return { ok = true, ids = ids, seconds = ngx.now() - started }
end

-- a multi with nothing to send waits as asked, and other light threads run meanwhile
function cases.multi_idle_wait()
  local multi = transport.new().multi(function() error("nothing is sent") end)
  local woke
  local other = ngx.thread.spawn(function()
    ngx.sleep(0.05)
    ngx.update_time()
    woke = ngx.now()
  end)
  ngx.update_time()
  local started = ngx.now()
  local results = multi:poll(0.3)
  ngx.update_time()
  local ended = ngx.now()
  ngx.thread.wait(other)
  -- and a send that raises is that request's failure, with its id
  local id = multi:add { method = "GET" }
  local raised = multi:poll(0)[1]
  return { ok = #results == 0, seconds = ended - started, other_woke = woke - started,
    raised = { id = raised.id == id, kind = raised.kind, reason = raised.reason, pending = multi:pending() } }
end

function M.run(name)
  local case = cases[name]
  local result
  if not case then
    result = { ok = false, why = "no probe " .. name }
  else
    local ok, value = pcall(case)
    result = ok and value or { ok = false, why = tostring(value) }
  end
  ngx.header["Content-Type"] = "application/json"
  ngx.say(core.encode(result))
end

-- set_by_lua: no subrequests here, and the error says so.
function M.in_set_phase()
  local _, err = client().contacts.get(ACC, SEED)
  return err and err.message or "no error"
end

return M
