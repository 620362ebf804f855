-- sakari.nvim in a real headless Neovim (LuaJIT build), against the sandbox:
--
--   nvim --headless -u NONE -i NONE -n -c "luafile spec/nvim/async_test.lua"
--
-- from the repository root (spec/nvim/run.sh does that). Prints one line per
-- case, then "nvim: N passed, N failed"; quits with status 0 only when every
-- case passed.
-- luacheck: globals vim
package.path = "lua/?.lua;lua/?/init.lua;./?.lua;" .. package.path
package.cpath = (os.getenv("SAKARI_BUILD_DIR") or "build/luajit") .. "/?.so;" .. package.cpath

local runner = require("spec.support.plain_runner").new("nvim")
local say, check = runner.say, runner.check
local function test(name, fn) runner:test(name, fn) end

local uv = vim.uv or vim.loop

local function now() return uv.hrtime() / 1e9 end

-- Waits (running the event loop) until done() is true; false on timeout.
local function wait_for(done, seconds)
  return vim.wait(math.floor((seconds or 5) * 1000), done, 5)
end

local function main()
  local sandbox = require "spec.support.sandbox"
  local nvim = require "sakari.nvim"
  local ACC, SEED = sandbox.ACCOUNT, sandbox.SEED_CONTACT
  local SEED_PATH = "/v1/accounts/sandbox-account/contacts/seed-contact"

  local s = nvim.new { base_url = sandbox.url(), access_token = sandbox.TOKEN, retry_backoff = 0.01 }

  test("an update against a sandbox answering after 500 ms: the editor runs meanwhile", function()
    sandbox.reset()
    sandbox.fault { method = "PUT", path = SEED_PATH, delay = 0.5 }
    -- the editor's own work: a repeating 20 ms timer, as a plugin or the UI would have
    local ticks, ticks_at_callback = 0, nil
    local ticker = uv.new_timer()
    ticker:start(20, 20, function() ticks = ticks + 1 end)
    local result, result_err, called, fast, called_at
    local before = now()
    local id = s.contacts.update(ACC, SEED, {
      firstName = "Bob", lastName = "Thomson", mobile = { number = "+1234567890", country = "US" },
    }, function(contact, err)
      called, result, result_err, called_at = true, contact, err, now()
      ticks_at_callback = ticks
      fast = vim.in_fast_event()
      -- the main loop, not a fast event: the whole API is usable here
      vim.api.nvim_buf_set_lines(0, 0, -1, false, { "updated " .. tostring(contact and contact.id) })
    end)
    local returned_after = now() - before
    check(type(id) == "number", "the call returns its id, got %s", tostring(id))
    check(returned_after < 0.05, "the call returned after %.3f s, not at once", returned_after)
    check(not called, "the callback ran before the call returned")
    check(s.pending() == 1 and s.polling(), "one call pending and the timer polling")
    check(wait_for(function() return called end, 5), "no callback within 5 s")
    ticker:stop()
    ticker:close()
    local took = called_at - before
    say(("     %d ticks of the 20 ms timer while the update was in flight (%.0f ms)"):format(
      ticks_at_callback, took * 1000))
    check(took >= 0.45, "answered after %.3f s, before the sandbox's 0.5 s delay", took)
    check(ticks_at_callback >= 15, "only %d ticks during the update", ticks_at_callback)
    check(result_err == nil, "err: %s", tostring(result_err))
    check(result.firstName == "Bob" and result.lastName == "Thomson", "contact: %s", vim.inspect(result))
    check(result.mobile.number == "+1234567890" and result.mobile.lineType == "mobile", "mobile: %s",
      vim.inspect(result.mobile))
    check(result.id == SEED, "id %s", tostring(result.id))
    check(fast == false, "the callback ran in a fast event")
    check(vim.api.nvim_buf_get_lines(0, 0, 1, false)[1] == "updated " .. SEED, "the buffer was not written")
    check(s.pending() == 0, "%d calls still pending", s.pending())
    check(not s.polling(), "the timer still runs with nothing pending")
    local r = sandbox.requests()[1]
    check(r.method == "PUT" and r.path == SEED_PATH, "sent %s %s", r.method, r.path)
    check(r.headers.authorization == "Bearer " .. sandbox.TOKEN, "authorization header")
  end)

  test("a failed call hands its err to the callback", function()
    sandbox.reset()
    local got, got_err
    s.contacts.get(ACC, "missing", function(value, err) got, got_err = { value }, err end)
    check(wait_for(function() return got end), "no callback")
    check(got[1] == nil, "a value for a missing contact")
    check(got_err and got_err.code == "CONT-002" and got_err.status == 404, "err: %s", tostring(got_err))
  end)

  test("wrong arguments raise at once, at the caller's line, and nothing is sent", function()
    sandbox.reset()
    local ok, why = pcall(function() s.contacts.get(ACC, 42, function() end) end)
    check(not ok, "no error for a number id")
    check(why:find("bad argument #2 to 'contacts.get'", 1, true), "message: %s", why)
    check(why:find("async_test.lua:", 1, true) and not why:find("nvim.lua:", 1, true), "blames: %s", why)
    check(s.pending() == 0, "the bad call is pending")
    check(#sandbox.requests() == 0, "something was sent")
  end)

  test("calls run concurrently: 6 calls of 300 ms each in well under 6 x 300 ms", function()
    sandbox.reset()
    sandbox.fault { method = "GET", path = SEED_PATH, delay = 0.3, times = 6 }
    local done, bad = 0, {}
    local before = now()
    for _ = 1, 6 do
      s.contacts.get(ACC, SEED, function(contact, err)
        done = done + 1
        if not contact or contact.id ~= SEED then bad[#bad + 1] = tostring(err) end
      end)
    end
    check(wait_for(function() return done == 6 end), "%d of 6 done", done)
    local took = now() - before
    say(("     6 concurrent calls took %.0f ms"):format(took * 1000))
    check(#bad == 0, "failures: %s", table.concat(bad, "; "))
    check(took < 0.9, "took %.3f s", took)
  end)

  test("a callback that raises is reported with vim.notify and stops nothing", function()
    sandbox.reset()
    local notified, second = {}, false
    local notify = vim.notify
    vim.notify = function(message, level) notified[#notified + 1] = { message = message, level = level } end
    local ok, why = pcall(function()
      s.contacts.get(ACC, SEED, function() error("boom in a user callback") end)
      s.contacts.get(ACC, SEED, function(contact) second = contact ~= nil end)
      check(wait_for(function() return second and #notified > 0 end), "second callback or notify missing")
    end)
    vim.notify = notify
    if not ok then error(why, 0) end
    check(#notified == 1, "%d notifications", #notified)
    check(notified[1].message:find("boom in a user callback", 1, true), "message: %s", notified[1].message)
    check(notified[1].message:find("contacts.get", 1, true), "message names no call: %s", notified[1].message)
    check(notified[1].level == vim.log.levels.ERROR, "level %s", tostring(notified[1].level))
    -- and the engine still works
    local again
    s.contacts.get(ACC, SEED, function(contact) again = contact end)
    check(wait_for(function() return again end), "no result after the failing callback")
  end)

  test("a call started from a callback runs like any other", function()
    sandbox.reset()
    local chain = {}
    s.contacts.get(ACC, SEED, function(contact)
      chain[#chain + 1] = contact.id
      s.contacts.update(ACC, SEED, { firstName = "Second", mobile = { number = "+1234567890" } },
        function(updated, err)
          chain[#chain + 1] = updated and updated.firstName or tostring(err)
        end)
    end)
    check(wait_for(function() return #chain == 2 end), "chain: %s", vim.inspect(chain))
    check(chain[1] == SEED and chain[2] == "Second", "chain: %s", vim.inspect(chain))
  end)

  test("each delivers every item of every page as one array", function()
    sandbox.reset()
    sandbox.seed(150)
    local items, items_err
    s.contacts.each(ACC, function(all, err) items, items_err = all or false, err end)
    check(wait_for(function() return items ~= nil end), "no callback")
    check(items_err == nil, "err: %s", tostring(items_err))
    check(#items == 151 and items[1].id == SEED, "%d items", #items)
    check(#sandbox.requests() == 2, "%d page requests", #sandbox.requests())
    local none, none_err
    s.contacts.each("nobody", function(all, err) none, none_err = { all }, err end)
    check(wait_for(function() return none ~= nil end), "no callback for a failing walk")
    check(none[1] == nil and none_err and none_err.code == "ACCT-008", "err: %s", tostring(none_err))
  end)

  local CONTACTS_PATH = "/v1/accounts/sandbox-account/contacts"

  test("each with a page callback: one callback per page, in order, the editor ticking in between", function()
    sandbox.reset()
    sandbox.seed(250)
    local expected = {}
    local blocking = sandbox.client()
    for contact in blocking.contacts.each(ACC) do expected[#expected + 1] = contact.id end
    blocking.close()
    check(#expected == 251, "%d contacts seeded", #expected)
    sandbox.clear_requests()
    sandbox.fault { method = "GET", path = CONTACTS_PATH, delay = 0.2, times = 3 }
    local ticks = 0
    local ticker = uv.new_timer()
    ticker:start(20, 20, function() ticks = ticks + 1 end)
    local pages, ids, done = {}, {}, nil
    local id = s.contacts.each(ACC, function(items, page)
      pages[#pages + 1] = { n = #items, number = page.number, offset = page.offset, ticks = ticks,
                            total = page.pagination.totalCount, fast = vim.in_fast_event() }
      for _, item in ipairs(items) do ids[#ids + 1] = item.id end
    end, function(totals, err)
      done = { totals = totals, err = err, pages = #pages }
    end)
    check(type(id) == "number" and #pages == 0, "the call returned %s after %d pages", tostring(id), #pages)
    check(wait_for(function() return done ~= nil end, 10), "no final callback")
    ticker:stop()
    ticker:close()
    say(("     pages of %d, %d, %d items at ticks %d, %d, %d of a 20 ms timer"):format(
      pages[1].n, pages[2] and pages[2].n or 0, pages[3] and pages[3].n or 0,
      pages[1].ticks, pages[2] and pages[2].ticks or 0, pages[3] and pages[3].ticks or 0))
    check(done.err == nil, "err: %s", tostring(done.err))
    check(#pages == 3, "%d page callbacks", #pages)
    for i, want in ipairs { { n = 100, offset = 0 }, { n = 100, offset = 100 }, { n = 51, offset = 200 } } do
      local got = pages[i]
      check(got.number == i and got.n == want.n and got.offset == want.offset,
        "page %d: number %s, %d items at offset %s", i, tostring(got.number), got.n, tostring(got.offset))
      check(got.total == 251, "page %d: pagination.totalCount %s", i, tostring(got.total))
      check(got.fast == false, "page %d delivered in a fast event", i)
    end
    -- each page waited 200 ms for the sandbox: the timer ran meanwhile
    check(pages[1].ticks >= 5, "only %d ticks before the first page", pages[1].ticks)
    check(pages[2].ticks - pages[1].ticks >= 5 and pages[3].ticks - pages[2].ticks >= 5,
      "ticks between pages: %d, %d, %d", pages[1].ticks, pages[2].ticks, pages[3].ticks)
    check(done.pages == 3, "the final callback ran after %d pages", done.pages)
    check(done.totals.pages == 3 and done.totals.items == 251 and done.totals.stopped == false,
      "totals: %s", vim.inspect(done.totals))
    check(table.concat(ids, ",") == table.concat(expected, ","), "the items differ from a blocking walk")
    local lines = sandbox.request_lines()
    check(#lines == 3, "requests: %s", vim.inspect(lines))
    for i, r in ipairs(sandbox.requests()) do
      check(r.query.offset[1] == tostring((i - 1) * 100) and r.query.limit[1] == "100",
        "request %d: %s", i, r.path)
    end
  end)

  test("each with a page callback: a failed page ends the walk with nil, err after the pages before it", function()
    sandbox.reset()
    sandbox.seed(250)
    -- the first page passes (a delay-only fault answers from the API), the second gets a 400
    sandbox.fault({ method = "GET", path = CONTACTS_PATH, delay = 0.01 },
                  { method = "GET", path = CONTACTS_PATH, status = 400 })
    local numbers, done = {}, nil
    s.contacts.each(ACC, { limit = 50 }, function(items, page) numbers[#numbers + 1] = page.number .. ":" .. #items end,
      function(totals, err) done = { totals = totals, err = err, pages = #numbers } end)
    check(wait_for(function() return done ~= nil end), "no final callback")
    check(table.concat(numbers, " ") == "1:50", "pages: %s", table.concat(numbers, " "))
    check(done.totals == nil and done.err and done.err.status == 400 and done.err.code == "FAULT-400",
      "final callback: %s, %s", vim.inspect(done.totals), tostring(done.err))
    check(#sandbox.requests() == 2, "%d requests", #sandbox.requests())
  end)

  test("each with a page callback: on_page returning false stops the walk", function()
    sandbox.reset()
    sandbox.seed(250)
    local calls, done = 0, nil
    s.contacts.each(ACC, function() calls = calls + 1 return false end,
      function(totals, err) done = { totals = totals, err = err } end)
    check(wait_for(function() return done ~= nil end), "no final callback")
    check(calls == 1, "%d page callbacks after a false", calls)
    check(done.err == nil and done.totals.pages == 1 and done.totals.items == 100 and done.totals.stopped,
      "totals: %s, err %s", vim.inspect(done.totals), tostring(done.err))
    check(#sandbox.requests() <= 2, "%d requests after the walk was stopped", #sandbox.requests())
  end)

  test("each with a page callback: wrong arguments raise at once and name each", function()
    sandbox.reset()
    local ok, why = pcall(function()
      s.contacts.each(ACC, { limt = 5 }, function() end, function() end)
    end)
    check(not ok and why:find("bad argument #2 to 'contacts.each'", 1, true), "message: %s", tostring(why))
    check(why:find("async_test.lua:", 1, true), "blames: %s", why)
    check(s.pending() == 0 and #sandbox.requests() == 0, "something was sent or is pending")
  end)

  test("a list call's callback gets (items, err, pagination), as the blocking call returns", function()
    sandbox.reset()
    local got
    s.contacts.list(ACC, { limit = 1 }, function(...) got = { n = select("#", ...), ... } end)
    check(wait_for(function() return got ~= nil end), "no callback")
    check(got.n == 3 and #got[1] == 1 and got[1][1].id == SEED, "items: %s", vim.inspect(got[1]))
    check(got[2] == nil, "err: %s", tostring(got[2]))
    check(type(got[3]) == "table" and got[3].totalCount == 1 and got[3].limit == 1, "pagination: %s",
      vim.inspect(got[3]))
  end)

  test("functions without a request (webhooks.sign) answer at once, or through a callback", function()
    local sakari = require "sakari"
    local expected = sakari.webhooks.sign("https://example.com/hook", { a = "1" }, "secret")
    check(s.webhooks.sign("https://example.com/hook", { a = "1" }, "secret") == expected, "sync result differs")
    local got
    s.webhooks.sign("https://example.com/hook", { a = "1" }, "secret", function(v) got = v end)
    check(got == nil, "the callback ran synchronously")
    check(wait_for(function() return got end), "no callback")
    check(got == expected, "callback result differs")
  end)

  test("client credentials: the token is fetched through the queue too", function()
    sandbox.reset()
    local o = nvim.new { base_url = sandbox.url(), client_id = sandbox.CLIENT_ID,
                         client_secret = sandbox.CLIENT_SECRET }
    local results = {}
    for _ = 1, 3 do
      o.contacts.get(ACC, SEED, function(contact, err)
        results[#results + 1] = contact and contact.id or tostring(err)
      end)
    end
    check(wait_for(function() return #results == 3 end), "%d of 3", #results)
    check(results[1] == SEED and results[2] == SEED and results[3] == SEED, "results: %s", vim.inspect(results))
    local lines = sandbox.request_lines()
    check(lines[1] == "POST /oauth2/token" and #lines == 4, "requests: %s", vim.inspect(lines))
    o.close()
  end)

  test("close: pending calls get err.code 'closed', later calls raise", function()
    sandbox.reset()
    sandbox.fault { method = "GET", path = SEED_PATH, delay = 1 }
    local c = nvim.new { base_url = sandbox.url(), access_token = sandbox.TOKEN }
    local got_err
    c.contacts.get(ACC, SEED, function(_, err) got_err = err or false end)
    c.close()
    c.close()
    check(not c.polling() and c.pending() == 0, "still polling after close")
    check(wait_for(function() return got_err ~= nil end), "no callback after close")
    check(got_err and got_err.code == "closed", "err: %s", tostring(got_err))
    local ok, why = pcall(function() c.contacts.get(ACC, SEED, function() end) end)
    check(not ok and why:find("closed", 1, true), "a call after close: %s", tostring(why))
  end)

  test("options are checked", function()
    check(not pcall(nvim.new, { access_token = "t" }, { concurrency = 0 }), "concurrency 0 accepted")
    local ok, why = pcall(function() nvim.new({ access_token = "t" }, { concurrency = 1001 }) end)
    check(not ok and why:find("^[^:]*async_test%.lua:%d+: sakari%.nvim%.new: concurrency: expected a whole number "
      .. "from 1 to 1000"), "concurrency 1001 (the setting's limit, at the caller's line): %s", tostring(why))
    ok, why = pcall(function() nvim.new({ access_token = "t" }, { intervall = 5 }) end)
    check(not ok and why:find("^[^:]*async_test%.lua:%d+: sakari%.nvim%.new: unknown option 'intervall' "
      .. "%(accepted: concurrency, interval%)$"), "an unknown option, at the caller's line: %s", tostring(why))
    ok, why = pcall(function() nvim.new({ access_token = "t" }, 5) end)
    check(not ok and why:find("^[^:]*async_test%.lua:%d+: sakari%.nvim%.new: options: expected a table$"),
      "options not a table, at the caller's line: %s", tostring(why))
    ok, why = pcall(nvim.new, { access_token = "t", bogus = 1 })
    check(not ok and why:find("unknown config key 'bogus'", 1, true), "config: %s", tostring(why))
    ok, why = pcall(nvim.new, { access_token = "t", transport = { request = function() end } })
    check(not ok and why:find("config.transport", 1, true), "a transport (it would block): %s", tostring(why))
  end)

  test("examples/nvim: :SakariContact shows a contact, :SakariRename renames it", function()
    sandbox.reset()
    vim.opt.runtimepath:append("examples/nvim")
    vim.cmd("runtime plugin/sakari_contacts.lua")
    require("sakari_contacts").setup { account = ACC, base_url = sandbox.url(), access_token = sandbox.TOKEN }
    vim.cmd("SakariContact " .. SEED)
    local name = "sakari://contact/" .. SEED
    check(wait_for(function() return vim.api.nvim_buf_get_name(0):sub(-#name) == name end),
      "no contact buffer (current: %s)", vim.api.nvim_buf_get_name(0))
    local text = table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), "\n")
    check(text:find("id: " .. SEED, 1, true) and text:find("lineType: mobile", 1, true), "buffer:\n%s", text)
    local notified = {}
    local notify = vim.notify
    vim.notify = function(message) notified[#notified + 1] = message end
    local ok, why = pcall(function()
      vim.cmd("SakariRename " .. SEED .. " Ann Lee")
      check(wait_for(function() return #notified > 0 end), "no notification")
    end)
    vim.notify = notify
    if not ok then error(why, 0) end
    check(notified[1]:find(SEED .. " is now Ann Lee", 1, true), "notified: %s", notified[1])
    local lines = sandbox.request_lines()
    check(lines[#lines] == "PUT " .. SEED_PATH, "requests: %s", vim.inspect(lines))
  end)

  s.close()
  require("spec.nvim.doc_test")(runner)
  require("spec.nvim.install_test")(runner, sandbox)
end

vim.cmd(runner:run(main) and "qall!" or "cquit")
