-- types/sakari.lua, the editor definitions (LuaLS), is generated from the
-- endpoint table and the schemas (docs/gen_types.lua, `make types`): the
-- committed file must be what a fresh generation writes, and valid Lua.
local read = require("spec.support.fs").read
local load_chunk = loadstring or load -- luacheck: compat

describe("types/sakari.lua", function()
  local committed = assert(read("types/sakari.lua"))

  it("is what docs/gen_types.lua writes from the tables today (run `make types`)", function()
    local fresh = assert(loadfile("docs/gen_types.lua"))("--text")
    assert.is_string(fresh)
    assert.are.equal(fresh, committed)
  end)

  it("is valid Lua, as a whole and line by line", function()
    assert(load_chunk(committed, "=types/sakari.lua"))
    local n = 0
    for line in committed:gmatch("([^\n]*)\n") do
      n = n + 1
      local ok, err = load_chunk(line, "=line " .. n)
      assert(ok, err)
    end
    assert.is_true(n > 100)
  end)

  it("declares every endpoint function with its arguments, and the client", function()
    local resources = require "sakari.resources"
    for namespace, rows in pairs(resources.endpoints) do
      assert.truthy(committed:find("---@field " .. namespace .. " sakari." .. namespace .. "\n", 1, true), namespace)
      for name, row in pairs(rows) do
        local line = ("function ns_%s.%s("):format(namespace, name)
        if row.kind ~= "local" then
          local args = {}
          for p in row[2]:gmatch("{([%w_]+)}") do args[#args + 1] = p end
          if row.body then args[#args + 1] = row.body end
          args[#args + 1] = "options"
          line = line .. table.concat(args, ", ") .. ") end\n"
        end
        assert.truthy(committed:find(line, 1, true), line)
      end
    end
    for _, wanted in ipairs {
      "---@param fields sakari.ContactRequest\n",
      "---@return sakari.Contact|nil result\n---@return sakari.Error|nil err\n"
        .. "---@overload fun(contactId: string, fields: sakari.ContactRequest, options?: sakari.CallOptions): "
        .. "sakari.Contact|nil, sakari.Error|nil\nfunction ns_contacts.update(",
      "---@return (fun(): sakari.Contact|nil) iterator",
      "---@return sakari.Message[]|nil items\n",
      "---@class sakari.Error\n", "---@field retryable boolean",
      "---@class sakari.Contact\n", "---@field firstName? string\n", "---@field mobile? sakari.Contact.mobile\n",
      "---@class sakari.Template\n", "---@class sakari.Campaign\n", "---@class sakari.Message\n",
      "---@field strict? boolean ", "---@field account_id? string ", "---@param config? sakari.Config\n",
      "function sakari.new(config) end\n", "function Client.account(id) end\n",
      "function ns_webhooks.parse(body, opts) end\n", "function Client.batch(calls, opts) end\n",
      "function Client.queue(opts) end\n", "function Client.close() end\n",
      "function sakari.configure(config) end\n",
    } do
      assert.truthy(committed:find(wanted, 1, true), wanted)
    end
  end)
end)
