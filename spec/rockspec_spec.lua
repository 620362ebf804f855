-- The rock: what it declares and ships, and what a missing dependency says.
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

describe("require \"sakari\" without lua-cjson", function()
  it("says which package to install", function()
    -- the build spec/helper.lua put first on the path
    local core_so = package.cpath:match("^[^;]+"):gsub("%?", "sakari/core")
    local open = assert(package.loadlib(core_so, "luaopen_sakari_core"))
    local saved = package.loaded.cjson
    package.loaded.cjson = nil
    package.preload.cjson = function() error("module 'cjson' not found (this spec hides it)", 0) end
    local ok, message = pcall(open, "sakari.core")
    package.preload.cjson, package.loaded.cjson = nil, saved
    assert.is_false(ok)
    assert.truthy(tostring(message):find("sakari needs lua-cjson: apt install lua-cjson, or luarocks install "
      .. "lua-cjson\nmodule 'cjson' not found (this spec hides it)", 1, true), tostring(message))
  end)
end)
