-- The README's quick start is the example the demo runs, word for word.
describe("README", function()
  local function read(path)
    local f = assert(io.open(path, "rb"))
    local text = f:read("*a")
    f:close()
    return text
  end

  it("quotes examples/update_contact.lua as its quick start", function()
    local readme = read("README.md")
    local example = read("examples/update_contact.lua"):gsub("\n+$", "")
    local start = readme:find("```lua\n" .. example .. "\n```", 1, true)
    assert.is_not_nil(start, "README quick start differs from examples/update_contact.lua")
  end)

  it("lists every contacts function of the endpoint table", function()
    local readme = read("README.md")
    for name in pairs(require("sakari.resources").endpoints.contacts) do
      assert.is_truthy(readme:find("contacts." .. name .. "(", 1, true), "README misses contacts." .. name)
    end
  end)
end)
