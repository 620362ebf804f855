-- `each`: lazy, page by page, stopping where the answer says the list ends, and
-- loud when a page fails.
local sandbox = require "spec.support.sandbox"
local errors = require "sakari.errors"
local pager = require "sakari.pager"

local ACC = sandbox.ACCOUNT
local CONTACTS = "/v1/accounts/" .. ACC .. "/contacts"
local IS_54 = _VERSION == "Lua 5.4" and not jit

-- A page body the sandbox answers instead of the real list (fault injection),
-- so the stop rules can be fed the pagination shapes Sakari has used.
local function page_fault(offset, ids, pagination)
  local items = {}
  for i, id in ipairs(ids) do items[i] = ('{"id":"%s"}'):format(id) end
  local body = ('{"success":true,"data":[%s]%s}'):format(table.concat(items, ","),
    pagination and (',"pagination":' .. pagination) or "")
  -- core sorts query keys: limit comes before offset
  return { method = "GET", path = ("%s?limit=2&offset=%d"):format(CONTACTS, offset), status = 200, body = body }
end

local function offsets(log)
  local out = {}
  for i, r in ipairs(log) do out[i] = tonumber(r.query.offset[1]) end
  return out
end

describe("each", function()
  local client = sandbox.each_client()

  it("walks 250 contacts in 3 requests of 100", function()
    sandbox.seed(249) -- and the seed contact makes 250
    sandbox.clear_requests()
    local seen, ids = 0, {}
    for contact in client.contacts.each(ACC) do
      seen = seen + 1
      ids[contact.id] = true
    end
    assert.equal(250, seen)
    local distinct = 0
    for _ in pairs(ids) do distinct = distinct + 1 end
    assert.equal(250, distinct)
    local log = sandbox.requests()
    assert.same({ 0, 100, 200 }, offsets(log))
    for _, r in ipairs(log) do assert.same({ "100" }, r.query.limit) end
  end)

  it("passes the filters on to every page", function()
    sandbox.seed(5)
    sandbox.clear_requests()
    local n = 0
    for contact in client.contacts.each(ACC, { firstName = "seeded", limit = 2 }) do
      assert.matches("^Seeded", contact.firstName)
      n = n + 1
    end
    assert.equal(5, n)
    local log = sandbox.requests()
    assert.same({ 0, 2, 4 }, offsets(log))
    for _, r in ipairs(log) do assert.same({ "seeded" }, r.query.firstName) end
  end)

  it("stops on hasNext = false, even when the last page is full", function()
    sandbox.fault(page_fault(0, { "a", "b" }, '{"offset":0,"limit":2,"hasNext":true}'),
                  page_fault(2, { "c", "d" }, '{"offset":2,"limit":2,"hasNext":false,"totalCount":99}'))
    local ids = {}
    for item in client.contacts.each(ACC, { limit = 2 }) do ids[#ids + 1] = item.id end
    assert.same({ "a", "b", "c", "d" }, ids)
    assert.same({ 0, 2 }, offsets(sandbox.requests()))
  end)

  it("stops at totalCount when there is no hasNext", function()
    sandbox.fault(page_fault(0, { "a", "b" }, '{"offset":0,"limit":2,"totalCount":4}'),
                  page_fault(2, { "c", "d" }, '{"offset":2,"limit":2,"totalCount":4}'))
    local ids = {}
    for item in client.contacts.each(ACC, { limit = 2 }) do ids[#ids + 1] = item.id end
    assert.same({ "a", "b", "c", "d" }, ids)
    assert.same({ 0, 2 }, offsets(sandbox.requests()))
  end)

  it("stops on a short page when there is no pagination at all: 3 pages", function()
    sandbox.fault(page_fault(0, { "a", "b" }), page_fault(2, { "c", "d" }), page_fault(4, { "e" }))
    local ids = {}
    for item in client.contacts.each(ACC, { limit = 2 }) do ids[#ids + 1] = item.id end
    assert.same({ "a", "b", "c", "d", "e" }, ids)
    assert.same({ 0, 2, 4 }, offsets(sandbox.requests()))
  end)

  it("stops on an empty page even when hasNext says otherwise", function()
    sandbox.fault(page_fault(0, { "a", "b" }, '{"hasNext":true}'), page_fault(2, {}, '{"hasNext":true}'))
    local ids = {}
    for item in client.contacts.each(ACC, { limit = 2 }) do ids[#ids + 1] = item.id end
    assert.same({ "a", "b" }, ids)
    assert.equal(2, #sandbox.requests())
  end)

  it("raises the err object when a page in the middle fails", function()
    sandbox.seed(4)
    sandbox.clear_requests()
    -- failing every attempt: the first and its two retries
    sandbox.fault({ method = "GET", path = CONTACTS .. "?limit=2&offset=2", status = 500, times = 3 })
    local seen = {}
    local ok, err = pcall(function()
      for contact in client.contacts.each(ACC, { limit = 2 }) do seen[#seen + 1] = contact.id end
    end)
    assert.is_false(ok)
    assert.is_true(errors.is_error(err))
    assert.equal(500, err.status)
    assert.equal("FAULT-500", err.code)
    assert.equal("GET", err.method)
    assert.equal(CONTACTS, err.path)
    assert.equal(2, #seen) -- the first page was handed out before the failure
    assert.same({ 0, 2, 2, 2 }, offsets(sandbox.requests()))
  end)

  it("ends after a failure instead of going on with the next page", function()
    sandbox.fault({ method = "GET", path = CONTACTS, status = 503, times = 3 })
    local iterate = client.contacts.each(ACC)
    assert.is_false(pcall(iterate))
    assert.is_nil(iterate())
    assert.equal(3, #sandbox.requests())
  end)

  it("is lazy: nothing is sent before the loop asks, nothing more after a break", function()
    sandbox.seed(5)
    sandbox.clear_requests()
    local iterate = client.contacts.each(ACC, { limit = 2 })
    assert.same({}, sandbox.requests())
    local n = 0
    for _ in iterate do
      n = n + 1
      if n == 3 then break end
    end
    assert.same({ 0, 2 }, offsets(sandbox.requests()))
  end)

  -- LuaJIT has no to-be-closed variables: there a caller closes by hand (or the GC frees the page)
  it("closes on break (by hand before 5.4): the iterator is spent afterwards", function()
    sandbox.seed(5)
    sandbox.clear_requests()
    local iterate, state, control, closer = client.contacts.each(ACC, { limit = 2 })
    assert.is_function(getmetatable(closer).__close)
    for _ in iterate, state, control, closer do break end -- luacheck: ignore 512 (the break is the point)
    if not IS_54 then getmetatable(closer).__close(closer) end
    assert.is_nil(iterate()) -- closed: no further page, no request
    assert.equal(1, #sandbox.requests())
  end)

  it("works through the module-level default client too", function()
    local sakari = require "sakari"
    sakari.configure { base_url = sandbox.url(), access_token = sandbox.TOKEN }
    sandbox.seed(2)
    sandbox.clear_requests()
    local n = 0
    for _ in sakari.contacts.each(ACC, { limit = 2 }) do n = n + 1 end
    assert.equal(3, n)
    assert.same({ 0, 2 }, offsets(sandbox.requests()))
  end)

  it("checks its options before anything is sent, when each is called", function()
    sandbox.clear_requests()
    assert.usage_error(function() client.contacts.each(ACC, { firstname = "x" }) end,
      "bad argument #2 to 'contacts.each' (unknown option 'firstname' "
      .. "(accepted: email, firstName, lastName, limit, mobile, offset, tags; "
      .. "on every call: connect_timeout, max_retries, max_retry_delay, query, retry_backoff, strict, timeout); "
      .. "did you mean firstName?)")
    assert.usage_error(function() client.contacts.each(ACC, { limit = 500 }) end,
      "bad argument #2 to 'contacts.each' (option 'limit': expected an integer from 1 to 100, got 500)")
    assert.same({}, sandbox.requests())
  end)
end)

describe("pager.has_more", function()
  it("reads hasNext first, then totalCount, then the page size", function()
    assert.is_true(pager.has_more({ hasNext = true, totalCount = 1 }, 1, 10, 1))
    assert.is_false(pager.has_more({ hasNext = false }, 10, 10, 10))
    assert.is_true(pager.has_more({ totalCount = 11 }, 10, 10, 10))
    assert.is_false(pager.has_more({ totalCount = 10 }, 10, 10, 10))
    assert.is_true(pager.has_more({}, 10, 10, 10))
    assert.is_false(pager.has_more({}, 9, 10, 9))
    assert.is_false(pager.has_more({ hasNext = true }, 0, 10, 0))
  end)
end)
