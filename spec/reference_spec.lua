-- The LDoc reference (docs/api_reference.lua): every function of the endpoint
-- table is in it with its arguments, options, results and an example, and
-- every example runs against the sandbox as written, ids aside.
local sandbox = require "spec.support.sandbox"
local resources = require "sakari.resources"
local endpoint = require "sakari.endpoint"

local source = assert(loadfile("docs/api_reference.lua"))("text")

-- The LDoc source -> { ["contacts.update"] = { tags = {...}, usage = "code" }, ... }:
-- one entry per blank-line separated block, by its @function (or @table) name.
local function blocks(text)
  local out = {}
  for block in (text .. "\n"):gmatch("(.-)\n\n") do
    local tags, about, usage, name = {}, {}, nil, nil
    for line in (block .. "\n"):gmatch("(.-)\n") do
      local body = line:gsub("^%-%-%-? ?", "")
      local tag, rest = body:match("^@(%w+)%s*(.*)$")
      if tag == "function" or tag == "table" then
        name = rest
      elseif tag == "usage" then
        usage = {}
      elseif tag then
        tags[#tags + 1] = { tag = tag, text = rest }
      elseif usage then
        usage[#usage + 1] = body
      elseif #tags > 0 then -- a continuation line
        tags[#tags].text = tags[#tags].text .. " " .. body
      else
        about[#about + 1] = body
      end
    end
    if name then
      out[name] = { about = table.concat(about, " "), tags = tags, usage = usage and table.concat(usage, "\n") }
    end
  end
  return out
end

local reference = blocks(source)

-- Every function as { fname, row }, sorted.
local functions = {}
for namespace, rows in pairs(resources.endpoints) do
  for name, row in pairs(rows) do functions[#functions + 1] = { fname = namespace .. "." .. name, row = row } end
end
table.sort(functions, function(a, b) return a.fname < b.fname end)

-- Code as a function with env as its globals (nil: the usual ones), or nil, why.
local function compile(code, name, env)
  if setfenv then -- Lua 5.1 and LuaJIT: load takes no string, a chunk takes setfenv
    local chunk, why = loadstring(code, "=" .. name)
    if chunk and env then setfenv(chunk, env) end
    return chunk, why
  end
  return load(code, "=" .. name, "t", env)
end

-- The @tparam lines of a block: { {opt, type, name, text} } in order.
local function params(entry)
  local out = {}
  for _, t in ipairs(entry.tags) do
    if t.tag == "tparam" then
      local opt, type_name, name, text = t.text:match("^(%[?o?p?t?%]?)%s*(%S+)%s+(%S+)%s*(.*)$")
      out[#out + 1] = { opt = opt == "[opt]", type = type_name, name = name, text = text }
    end
  end
  return out
end

local function tag_texts(entry, wanted)
  local out = {}
  for _, t in ipairs(entry.tags) do
    if t.tag == wanted then out[#out + 1] = t.text end
  end
  return out
end

local function expected_params(row)
  local names = {}
  for placeholder in row[2]:gmatch("{([%w_]+)}") do names[#names + 1] = placeholder end
  if row.body then names[#names + 1] = row.body end
  names[#names + 1] = "options"
  for _, option in ipairs(row.query or {}) do names[#names + 1] = "options." .. option end
  names[#names + 1] = "options." .. endpoint.PASSTHROUGH
  return names
end

describe("the LDoc reference", function()
  it("documents the module and the per-call settings", function()
    assert.matches("@module sakari.api", source, 1, true)
    assert.truthy(reference.call_settings)
  end)

  it("names only settings a call accepts as per-call settings", function()
    local fields = tag_texts(reference.call_settings, "tfield")
    assert.is_true(#fields >= 5)
    local spec = { accepted = {}, enums = {} }
    for _, field in ipairs(fields) do
      local name = assert(field:match("^%[opt%] %S+ (%S+)"), field)
      local query, detail, settings = endpoint.query(spec, { [name] = 1 })
      assert.is_nil(detail, name)
      assert.is_nil(query, name)
      assert.equal(1, settings[name])
    end
  end)

  for _, f in ipairs(functions) do
    local fname, row = f.fname, f.row
    describe(fname, function()
      local entry = reference[fname]

      it("is there, with an example that parses", function()
        assert.truthy(entry, fname .. " is missing")
        assert.truthy(entry.usage, fname .. " has no example")
        local chunk, why = compile(entry.usage, fname)
        assert.truthy(chunk, tostring(why))
        assert.matches("sakari." .. fname .. "(", entry.usage, 1, true)
      end)

      if row.kind == "local" then
        it("has its arguments and results", function()
          assert.is_true(#params(entry) >= 2)
          assert.is_true(#tag_texts(entry, "treturn") >= 1)
          assert.matches("docs/functions.md", entry.about, 1, true)
        end)
        return
      end

      it("says what it sends, and what is special about it", function()
        assert.truthy(entry.about:find(row[1], 1, true), entry.about)
        assert.truthy(entry.about:find("`" .. row[2] .. "`", 1, true), entry.about)
        assert.equal(row.experimental == true, entry.about:find("Experimental:", 1, true) ~= nil)
        assert.equal(row.retry == "never", entry.about:find("Never repeated", 1, true) ~= nil)
      end)

      it("has its arguments in order, then every documented option", function()
        local got = {}
        for i, p in ipairs(params(entry)) do got[i] = p.name end
        assert.same(expected_params(row), got)
        local required = {}
        for _, name in ipairs(row.required or {}) do required[name] = true end
        for _, p in ipairs(params(entry)) do
          local option = p.name:match("^options%.(.+)$")
          if option then
            assert.equal(not required[option], p.opt, p.name .. " optional?")
          elseif p.name == "options" then
            assert.equal(not next(required), p.opt, "options optional?")
            assert.matches("`timeout`", p.text, 1, true)
          else
            assert.is_false(p.opt, p.name)
          end
          for _, value in ipairs((row.enums or {})[option or p.name] or {}) do
            assert.truthy(p.text:find(value, 1, true), p.name .. " does not list " .. value)
          end
        end
      end)

      it("has its results by the answer's kind, and nil, err on failure", function()
        local returns = tag_texts(entry, "treturn")
        local answer = row.answer or (row.kind == "each" and "each") or "item"
        if answer == "each" then
          assert.equal(1, #returns)
          assert.matches("^function an iterator", returns[1])
          return
        end
        local ok = {}
        for _, text in ipairs(returns) do
          if text:find("^%[1%]") then ok[#ok + 1] = text:gsub("^%[1%] ", "") end
        end
        local kinds = {
          item = { "^table " }, first = { "^table .* made" }, success = { "^boolean `true`" },
          page = { "^table [%w_]+: the items", "^table page: the pagination" },
          report = { "^table records", "^table header", "^string text" },
        }
        assert.equal(#kinds[answer], #ok, table.concat(returns, "\n"))
        for i, pattern in ipairs(kinds[answer]) do assert.matches(pattern, ok[i]) end
        assert.same({ "[2] nil on failure" }, { returns[#ok + 1] })
        assert.matches("^%[2%] sakari%.errors%.err err ", returns[#ok + 2])
      end)
    end)
  end

  it("has nothing but the endpoint table's functions and the per-call settings", function()
    local known = { call_settings = true }
    for _, f in ipairs(functions) do known[f.fname] = true end
    for name in pairs(reference) do assert.truthy(known[name], name) end
  end)
end)

-- The sandbox's ids for the example's capitals; MESSAGE_ID and the like are made
-- before each example (a reset starts them empty).
local FIXTURE_IDS = {
  ACCOUNT_ID = sandbox.ACCOUNT, CONTACT_ID = sandbox.SEED_CONTACT, LINK_ID = "seed-link",
  DRIP_CAMPAIGN_ID = "seed-drip", FORM_ID = "seed-form", CALL_ID = "seed-call-1",
  ATTRIBUTE_ID = "seed-attr-city", GROUP_ID = "seed-group", LIST_ID = "seed-list",
}

local function made_ids(client)
  local ids = {}
  for k, v in pairs(FIXTURE_IDS) do ids[k] = v end
  local message = sandbox.inbound { contactId = sandbox.SEED_CONTACT, message = "hello" }
  ids.MESSAGE_ID, ids.CONVERSATION_ID = message.id, message.conversation.id
  ids.TEMPLATE_ID = assert(client.templates.create(sandbox.ACCOUNT, { name = "t", template = "Hi" })).id
  ids.CAMPAIGN_ID = assert(client.campaigns.create(sandbox.ACCOUNT,
    { name = "c", trigger = { code = "M" }, template = "Hi" })).id
  assert(client.webhooks.subscribe(sandbox.ACCOUNT,
    { url = "https://example.com/sakari", eventTypes = { "message-sent" } }))
  return ids
end

-- The example as code that returns what its first line names, with the sandbox's ids.
local function runnable(usage, ids)
  local code = usage:gsub('"([%u_]+_ID)"', function(capitals)
    return ("%q"):format(assert(ids[capitals], "no sandbox id for " .. capitals))
  end)
  local names = code:match("^local ([%w_, ]+) =")
  if names then code = code .. "\nreturn " .. names end
  return code
end

describe("every example of the reference, run against the sandbox", function()
  before_each(sandbox.reset)

  for _, f in ipairs(functions) do
    local fname, row = f.fname, f.row
    it(fname, function()
      local client = sandbox.client { max_retries = 0 }
      local ids = made_ids(client)
      sandbox.clear_requests()
      local printed = 0
      local env = setmetatable({ sakari = client, print = function() printed = printed + 1 end }, { __index = _G })
      local code = runnable(reference[fname].usage, ids)
      local chunk = assert(compile(code, fname, env))
      local value, err = chunk()
      if row.kind == "each" then
        assert.is_true(printed > 0, "the loop saw no item")
      else
        assert.is_not_nil(value, tostring(err) .. "\n" .. code)
      end
      if row.kind ~= "local" then -- the example called what it documents
        local sent = sandbox.requests()
        local last = sent[#sent]
        local path = "^" .. row[2]:gsub("[%^%$%(%)%%%.%[%]%*%+%-%?]", "%%%0"):gsub("{[%w_]+}", "[^/]+") .. "$"
        assert.equal(row[1], last.method)
        assert.matches(path, sandbox.path(last))
      end
    end)
  end
end)
