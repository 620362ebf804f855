-- Many calls at once: client.batch (blocking, results in order or streamed)
-- and client.queue (non-blocking: push, then poll).
local sandbox = require "spec.support.sandbox"
local core = require "sakari.core"
local errors = require "sakari.errors"

local ACC, SEED = sandbox.ACCOUNT, sandbox.SEED_CONTACT
local CONTACTS = "/v1/accounts/sandbox-account/contacts/"

describe("client.batch", function()
  local client = sandbox.each_client { retry_backoff = 0.01 }
  local ids

  before_each(function()
    ids = sandbox.seed(12)
    sandbox.clear_requests()
  end)

  it("returns results in input order, each with its own value or err", function()
    local calls = {}
    for i, id in ipairs(ids) do calls[i] = { "contacts.get", ACC, id } end
    calls[5] = { "contacts.get", ACC, "no-such-contact" }
    local results = client.batch(calls, { concurrency = 4 })
    assert.are.equal(#ids, #results)
    for i, r in ipairs(results) do
      if i == 5 then
        assert.is_nil(r.value)
        assert.are.equal("CONT-002", r.err.code)
      else
        assert.is_nil(r.err)
        assert.are.equal(ids[i], r.value.id)
      end
    end
    assert.are.equal(#ids, #sandbox.requests())
  end)

  it("keeps many in flight on few connections", function()
    local calls = {}
    for i = 1, 40 do calls[i] = { "contacts.get", ACC, ids[(i - 1) % #ids + 1] } end
    sandbox.fault({ path = CONTACTS, delay = 0.2, times = 40 })
    local started = core.now()
    local results = client.batch(calls, { concurrency = 20 })
    local elapsed = core.now() - started
    for _, r in ipairs(results) do assert.is_nil(r.err) end
    -- 40 answers of 0.2 s each, 20 at a time, take two rounds: far less than 40 x 0.2 s one by one
    assert.is_true(elapsed < 4, "took " .. elapsed)
  end)

  it("runs any function of the client, several requests each: patch", function()
    local results = client.batch({
      { "contacts.patch", ACC, ids[1], { firstName = "Patched1" } },
      { "contacts.patch", ACC, ids[2], { firstName = "Patched2" } },
    }, { concurrency = 2 })
    assert.are.equal("Patched1", results[1].value.firstName)
    assert.are.equal("Patched2", results[2].value.firstName)
    assert.are.equal(ids[1], results[1].value.id)
    assert.are.equal(4, #sandbox.requests()) -- a GET and a PUT each
  end)

  -- Plain Lua 5.1 cannot suspend a coroutine inside a for-in iterator (the VM calls
  -- it as from C); LuaJIT and Lua 5.2+ can. Calling the iterator directly works on all.
  it("walks contacts.each inside a call: called directly everywhere, in a for loop except on plain 5.1", function()
    local function by_hand()
      local n, it = 0, client.contacts.each(ACC, { limit = 5 })
      while it() do n = n + 1 end
      return n
    end
    local function in_for()
      local n = 0
      for _ in client.contacts.each(ACC, { limit = 5 }) do n = n + 1 end
      return n
    end
    local total = #ids + 1 -- and the seed contact
    assert.are.same({ { value = total } }, client.batch({ by_hand }))
    sandbox.clear_requests()
    if _VERSION == "Lua 5.1" and not jit then
      local results = client.batch({ in_for })
      local err = results[1].err
      assert.are.equal("argument", err.code)
      assert.is_truthy(err.message:find("Lua 5.1 cannot suspend a batch or queue call", 1, true), err.message)
      assert.are.same({}, sandbox.requests()) -- it failed before sending
    else
      assert.are.same({ { value = total } }, client.batch({ in_for }))
    end
  end)

  it("streams: calls come from an iterator and results go to on_result, in constant memory", function()
    local fed, delivered, most_ahead = 0, 0, 0
    local n = 600
    local function next_call()
      if fed == n then return nil end
      fed = fed + 1
      if fed - delivered > most_ahead then most_ahead = fed - delivered end
      return { "contacts.get", ACC, ids[fed % #ids + 1] }
    end
    local seen = {}
    local counts = client.batch(next_call, {
      concurrency = 8,
      on_result = function(i, value, err)
        assert.is_nil(err)
        assert.is_table(value)
        assert.is_nil(seen[i])
        seen[i] = true
        delivered = delivered + 1
      end,
    })
    assert.are.same({ done = n, failed = 0 }, counts)
    assert.are.equal(n, delivered)
    -- the iterator is pulled only as far as the calls in flight need
    assert.is_true(most_ahead <= 9, "pulled " .. most_ahead .. " calls ahead")
  end)

  it("slows the whole batch on a 429 instead of letting every call hammer", function()
    -- the first answer is a 429; the others take 0.05 s, so the batch would still be busy within that second
    sandbox.fault({ path = CONTACTS, status = 429, headers = { ["Retry-After"] = "1" } },
      { path = CONTACTS, delay = 0.05, times = 40 })
    local calls = {}
    for i = 1, 30 do calls[i] = { "contacts.get", ACC, ids[(i - 1) % #ids + 1] } end
    local results = client.batch(calls, { concurrency = 4 })
    for _, r in ipairs(results) do assert.is_nil(r.err) end
    local log = sandbox.requests()
    assert.are.equal(31, #log)
    -- after the 429 (and the calls already in flight with it), nothing new
    -- reaches the server until its Retry-After has passed
    local throttled_at = log[1].at
    local early = 0
    for _, r in ipairs(log) do
      if r.at > throttled_at + 0.1 and r.at < throttled_at + 0.9 then early = early + 1 end
    end
    assert.are.equal(0, early)
    assert.is_true(log[#log].at - throttled_at >= 0.95)
  end)

  it("fails a malformed call alone, before sending it, and runs the others", function()
    local results = client.batch({
      { "contacts.get", ACC, 42 },
      { "contacts.get", ACC, ids[1] },
      "not a call",
    })
    assert.are.equal("argument", results[1].err.code)
    assert.are.equal("bad argument #2 to 'contacts.get' (contactId: expected a non-empty string, got number)",
      results[1].err.message)
    assert.are.equal(ids[1], results[2].value.id)
    assert.are.equal("argument", results[3].err.code)
    assert.matches('^a call is { "namespace.function", arguments%.%.%. } or a function, got ',
      results[3].err.message)
    assert.are.same({ "GET " .. CONTACTS .. ids[1] }, sandbox.request_lines())
    assert.is_false(pcall(client.batch, { { "contacts.get", ACC, SEED } }, { concurrency = 0 }))
    assert.is_false(pcall(client.batch, 42))
  end)

  it("raises a wrong function name once, at the caller's line, before sending anything", function()
    local ok, err = pcall(function()
      local r = client.batch({ { "contacts.get", ACC, ids[1] }, { "contacts.updat", ACC, ids[1], {} } })
      return r
    end)
    assert.is_false(ok)
    assert.is_true(errors.is_argument(err))
    assert.are.equal("sakari: no function contacts.updat; did you mean contacts.update?", err.message)
    assert.matches("batch_spec%.lua:%d+$", err.where)
    assert.are.same({}, sandbox.requests())
    -- from an iterator: met on the way, raised once, after which the batch stops
    local fed = 0
    ok, err = pcall(client.batch, function()
      fed = fed + 1
      if fed <= 2 then return { "contact.get", ACC, ids[1] } end
    end)
    assert.is_false(ok)
    assert.are.equal("sakari: no namespace contact; did you mean contacts?", err.message)
    assert.are.equal(1, fed)
    -- queue.push raises it too
    local q = client.queue()
    ok, err = pcall(q.push, { "contacts.updat", ACC, ids[1] })
    assert.is_false(ok)
    assert.are.equal("sakari: no function contacts.updat; did you mean contacts.update?", err.message)
    q.close()
  end)

  it("repeats messages.send refused with 429 inside a batch, once, after pausing the batch", function()
    sandbox.fault({ method = "POST", path = "/v1/accounts/sandbox-account/messages", status = 429,
      headers = { ["Retry-After"] = "1" } })
    local request = { contacts = { { mobile = { number = "+15555550123", country = "US" } } }, template = "Hi" }
    local results = client.batch({ { "messages.send", ACC, request } })
    assert.is_nil(results[1].err)
    local log = sandbox.requests()
    assert.are.equal(2, #log)
    assert.is_true(log[2].at - log[1].at >= 0.95, "the repeat went out after " .. (log[2].at - log[1].at))
  end)

  it("never repeats messages.send inside a batch either", function()
    sandbox.fault({ method = "POST", path = "/v1/accounts/sandbox-account/messages", status = 500 })
    local request = { contacts = { { mobile = { number = "+15555550123", country = "US" } } }, template = "Hi" }
    local results = client.batch({ { "messages.send", ACC, request } })
    assert.are.equal(500, results[1].err.status)
    assert.are.equal(1, #sandbox.requests())
  end)
end)

describe("client.queue", function()
  it("never blocks on poll(0), and delivers every result once", function()
    sandbox.reset()
    local client = sandbox.client()
    local q = client.queue { concurrency = 4 }
    sandbox.fault({ path = CONTACTS, delay = 0.3, times = 6 })
    local via_callback = {}
    for i = 1, 6 do
      q.push({ "contacts.get", ACC, SEED }, function(value, err)
        assert.is_nil(err)
        via_callback[#via_callback + 1] = value.id
        assert.is_true(i >= 1)
      end)
    end
    local polls, done = 0, {}
    local started = core.now()
    assert.are.same({}, q.poll(0)) -- answers take 0.3 s: nothing is finished yet
    assert.is_true(core.now() - started < 0.25)
    while q.pending() > 0 do
      polls = polls + 1
      for _, r in ipairs(q.poll(0)) do done[#done + 1] = r end
    end
    assert.is_true(polls > 10, "polled " .. polls .. " times")
    assert.are.equal(6, #via_callback)
    assert.are.equal(0, #done) -- results with a callback go to the callback only
    local id = q.push({ "contacts.get", ACC, SEED })
    local result
    repeat result = q.poll(0.1)[1] until result
    assert.are.equal(id, result.id)
    assert.are.equal(SEED, result.value.id)
    q.close()
    client.close()
  end)
end)

describe("batch and queue results", function()
  local client = sandbox.each_client()

  before_each(function()
    sandbox.seed(3)
    sandbox.clear_requests()
  end)

  it("give a list's items as value and its pagination in rest, never as err", function()
    local results = client.batch({ { "contacts.list", ACC, { limit = 2 } } })
    assert.is_nil(results[1].err)
    assert.are.equal(2, #results[1].value)
    assert.is_true(results[1].rest[1].hasNext)
    local got
    local q = client.queue()
    q.push({ "contacts.list", ACC, { limit = 2 } }, function(items, err, page) got = { items, err, page } end)
    while q.pending() > 0 do q.poll(0.05) end
    assert.are.equal(2, #got[1])
    assert.is_nil(got[2])
    assert.are.equal(2, got[3].limit)
    q.close()
  end)

  it("keep going when a callback raises: the other results arrive, then the error", function()
    local q = client.queue { concurrency = 4 }
    local delivered = 0
    for i = 1, 3 do
      q.push({ "contacts.get", ACC, SEED }, function()
        delivered = delivered + 1
        if i == 1 then error("callback trouble") end
      end)
    end
    local raised
    while q.pending() > 0 do
      local ok, why = pcall(q.poll, 0.05)
      if not ok then raised = why end
    end
    assert.are.equal(3, delivered)
    assert.is_truthy(tostring(raised):find("callback trouble", 1, true))
    q.close()
  end)

  it("deliver each result once even when on_result raises", function()
    local seen = 0
    local ok = pcall(client.batch, { function() return 42 end }, {
      on_result = function(i, value)
        seen = seen + 1
        assert.are.equal(1, i)
        assert.are.equal(42, value)
        error("boom")
      end,
    })
    assert.is_false(ok)
    assert.are.equal(1, seen)
  end)

  it("pause the whole batch on a 429 even when the call that got it will not repeat", function()
    local request = { contacts = { { mobile = { number = "+15555550123", country = "US" } } }, template = "Hi" }
    sandbox.fault({ method = "POST", status = 429, headers = { ["Retry-After"] = "1" } })
    local calls = { { "messages.send", ACC, request, { max_retries = 0 } } }
    for i = 2, 6 do calls[i] = { "contacts.get", ACC, SEED } end
    local results = client.batch(calls, { concurrency = 1 })
    assert.are.equal(429, results[1].err.status)
    local log = sandbox.requests()
    assert.are.equal(6, #log)
    assert.is_true(log[2].at - log[1].at >= 0.95, "the next call went out after " .. (log[2].at - log[1].at))
  end)

  it("do not hang when the call fetching a token is dropped with its queue", function()
    local oauth = sandbox.oauth_client()
    sandbox.fault({ path = "/oauth2/token", delay = 0.3 })
    local first = oauth.queue()
    first.push({ "contacts.get", ACC, SEED })
    first.poll(0) -- the token fetch is in flight
    first.close()
    local results = oauth.batch({ { "contacts.get", ACC, SEED } })
    assert.are.equal(SEED, results[1].value.id)
    oauth.close()
  end)
end)
