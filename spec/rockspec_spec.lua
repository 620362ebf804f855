-- The rock: what it declares and ships.
local function rockspec()
  local env = {}
  local chunk = assert(loadfile("sakari-0.1.0-1.rockspec", "t", env))
  if setfenv then setfenv(chunk, env) end -- luacheck: compat (5.1: loadfile takes no env)
  chunk()
  return env
end

describe("the rockspec", function()
  it("declares the run-time dependencies, lua-cjson and argparse", function()
    local names = {}
    for _, dependency in ipairs(rockspec().dependencies) do names[dependency:match("^[%w_-]+")] = true end
    assert.same({ lua = true, ["lua-cjson"] = true, argparse = true }, names)
  end)

  it("ships the editor types", function()
    assert.same({ "types" }, rockspec().build.copy_directories)
    local f = assert(io.open("types/sakari.lua"))
    assert.equal("---@meta sakari", f:read("*l"))
    f:close()
  end)
end)
