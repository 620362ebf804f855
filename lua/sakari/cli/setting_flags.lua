-- The settings as flags of `sakari`, made from the settings table
-- (sakari.settings): one flag for every setting a command line can carry (a
-- string, a number or a boolean), named after it (`max_retries` ->
-- `--max-retries`), with its doc, environment variable and default as help.
-- A boolean's one flag turns it away from its default (`--insecure`,
-- `--no-strict`). The secrets have none: a command line shows in `ps` and in
-- the shell's history, so credentials come from the environment only.
-- The flags given become the config of sakari.new, which takes the rest from
-- the environment, then the defaults: a flag wins over its variable.
local settings = require "sakari.settings"

local M = {}

local function convert(flag, s)
  return function(text)
    local value = s.type == "number" and tonumber(text) or text
    local detail = settings.check(s.name, value)
    if detail then return nil, flag .. ": " .. detail end
    return value
  end
end

local function help(s, prefix)
  local about = {}
  if s.env then about[#about + 1] = "env " .. s.env end
  if s.default ~= nil then about[#about + 1] = "default " .. tostring(s.default) end
  local text = prefix .. s.doc
  if #about > 0 then text = text .. " (" .. table.concat(about, ", ") .. ")" end
  return text
end

-- The flags, in the order of the settings: { setting, flag, value (what a
-- boolean's flag sets), argname, help }.
function M.list()
  local out = {}
  for _, s in ipairs(settings.list()) do
    if s.type and not s.secret then
      local name = s.name:gsub("_", "-")
      local f = { setting = s.name }
      if s.type == "boolean" then
        f.value = s.default ~= true
        f.flag = (f.value and "--" or "--no-") .. name
        f.help = help(s, ("%s = %s: "):format(s.name, tostring(f.value)))
      else
        f.flag = "--" .. name
        -- FILE for ca_file, ID for account_id, unless the kind names its unit
        f.argname = "<" .. (s.argname or s.name:match("[^_]+$"):upper()) .. ">"
        f.help = help(s, "")
        f.convert = convert(f.flag, s)
      end
      out[#out + 1] = f
    end
  end
  return out
end

M.GROUP = "Settings (a flag wins over its environment variable, which wins over the default)"

-- Adds the flags to an argparse parser, as a group of its help.
function M.add(parser)
  local options = {}
  for _, f in ipairs(M.list()) do
    local option
    if f.argname then
      option = parser:option(f.flag, f.help):argname(f.argname):convert(f.convert)
    else
      option = parser:flag(f.flag, f.help):action(f.value and "store_true" or "store_false")
    end
    options[#options + 1] = option:target(f.setting)
  end
  parser:group(M.GROUP, (table.unpack or unpack)(options))
end

-- The parsed arguments -> the config of sakari.new: the settings given as flags.
function M.config(args)
  local config = {}
  for _, f in ipairs(M.list()) do config[f.setting] = args[f.setting] end
  return config
end

return M
