-- The README's first code example is the example the demo runs, word for word; the
-- pages under docs/ carry the rest, and README links every one of them.
describe("README and docs/", function()
  local function read(path)
    local f = assert(io.open(path, "rb"))
    local text = f:read("*a")
    f:close()
    return text
  end

  it("quotes examples/update_contact.lua as its first code example", function()
    local readme = read("README.md")
    local example = read("examples/update_contact.lua"):gsub("\n+$", "")
    local start = readme:find("```lua\n" .. example .. "\n```", 1, true)
    assert.is_not_nil(start, "README example differs from examples/update_contact.lua")
    assert.equal(readme:find("```", 1, true), start, "another code block comes before the example")
  end)

  it("lists every setting as the settings table has it (docs/settings_table.lua --write)", function()
    local settings_table = require "docs.settings_table"
    local readme = read("README.md")
    assert.are.equal(readme, settings_table.replace(readme),
      "README's settings table is stale: run lua5.4 docs/settings_table.lua --write")
    for _, s in ipairs(require("sakari.settings").list()) do
      assert.is_truthy(readme:find("| `" .. s.name .. "` |", 1, true), s.name)
    end
  end)

  -- the docs/*.md pages, as "docs/name.md"
  local function pages()
    local found = {}
    local ls = assert(io.popen("ls docs"))
    for name in ls:lines() do
      if name:match("%.md$") then found[#found + 1] = "docs/" .. name end
    end
    ls:close()
    table.sort(found)
    return found
  end

  it("links every page under docs/, and only pages that exist", function()
    local readme = read("README.md")
    local linked, missing = {}, {}
    for target in readme:gmatch("%]%((docs/[^)]+%.md)%)") do linked[target] = true end
    for _, page in ipairs(pages()) do
      if not linked[page] then missing[#missing + 1] = page .. " not linked" end
      linked[page] = nil
    end
    for target in pairs(linked) do missing[#missing + 1] = target .. " does not exist" end
    table.sort(missing)
    assert.same({}, missing)
  end)

  it("keeps no hand-written pass counts (CI prints them)", function()
    local counts, files = {}, pages()
    files[#files + 1] = "README.md"
    for _, file in ipairs(files) do
      for count in read(file):gmatch("%d+ passed") do counts[#counts + 1] = file .. ": " .. count end
    end
    assert.same({}, counts)
  end)

  -- the Functions table row of one function: "| `ns.name(args)` ... |"
  local function table_row(readme, fname)
    for line in readme:gmatch("[^\n]+") do
      if line:find("| `" .. fname .. "(", 1, true) == 1 then return line end
    end
    return nil
  end

  it("has a docs/functions.md row for every function, with its method, path and options", function()
    local readme = read("docs/functions.md")
    local problems = {}
    for namespace, rows in pairs(require("sakari.resources").endpoints) do
      for name, row in pairs(rows) do
        local fname = namespace .. "." .. name
        local line = table_row(readme, fname)
        if not line then
          problems[#problems + 1] = fname .. ": no row"
        else
          local cells = {}
          for cell in line:gmatch("|([^|]*)") do cells[#cells + 1] = cell end
          local where, opts = cells[2] or "", cells[3] or ""
          if row.kind == "local" then
            if not where:find("no request", 1, true) then problems[#problems + 1] = fname .. ": not marked local" end
          elseif not where:find(row[1] .. " `" .. row[2] .. "`", 1, true) then
            problems[#problems + 1] = fname .. ": method and path differ from " .. row[1] .. " " .. row[2]
          end
          for _, option in ipairs(row.query or {}) do
            if not opts:find("`" .. option .. "`", 1, true) then
              problems[#problems + 1] = fname .. ": option " .. option .. " missing"
            end
          end
          if (cells[1]:find("experimental", 1, true) ~= nil) ~= (row.experimental == true) then
            problems[#problems + 1] = fname .. ": experimental marking differs"
          end
        end
      end
    end
    table.sort(problems)
    assert.same({}, problems)
  end)

  it("explains update versus patch, each, and webhooks.parse", function()
    local page = read("docs/functions.md")
    for _, heading in ipairs { "## `update` replaces, `patch` changes", "## Pages: `list` and `each`",
                               "## Webhooks", "## Options and the query string" } do
      assert.truthy(page:find("\n" .. heading .. "\n", 1, true), "docs/functions.md misses " .. heading)
    end
  end)
end)
