-- The settings as flags of `sakari` (sakari.settings): one for every setting a
-- command line can carry (`max_retries` -> `--max-retries`; a boolean's one flag
-- turns it away from its default: `--insecure`, `--no-strict`), with its doc,
-- variable and default as help. The secrets have none: a command line shows in
-- `ps` and in the shell's history. The flags given become the config of
-- sakari.new, which takes the rest from the environment, then the defaults.
local settings = require "sakari.settings"

local M = {}

-- The settings that have a flag, in the order of the settings table.
local FLAGGED = {}
for _, s in ipairs(settings.list()) do
  if s.type and not s.secret then FLAGGED[#FLAGGED + 1] = s end
end

local function help(s, prefix)
  local about = {}
  if s.env then about[#about + 1] = "env " .. s.env end
  if s.default ~= nil then about[#about + 1] = "default " .. tostring(s.default) end
  if #about == 0 then return prefix .. s.doc end
  return ("%s%s (%s)"):format(prefix, s.doc, table.concat(about, ", "))
end

-- The flag of one setting, added to the parser.
local function add_flag(parser, s)
  local name = s.name:gsub("_", "-")
  if s.type == "boolean" then
    local value = s.default ~= true -- what the flag sets
    return parser:flag((value and "--" or "--no-") .. name, help(s, ("%s = %s: "):format(s.name, tostring(value))))
      :action(value and "store_true" or "store_false")
  end
  local flag = "--" .. name
  return parser:option(flag, help(s, ""))
    -- FILE for ca_file, ID for account_id, unless the kind names its unit
    :argname("<" .. (s.argname or s.name:match("[^_]+$"):upper()) .. ">")
    :convert(function(text)
      local value = s.type == "number" and tonumber(text) or text
      local detail = settings.check(s.name, value)
      if detail then return nil, flag .. ": " .. detail end
      return value
    end)
end

-- Adds the flags to an argparse parser, as a group of its help.
function M.add(parser)
  local options = {}
  for _, s in ipairs(FLAGGED) do options[#options + 1] = add_flag(parser, s):target(s.name) end
  parser:group("Settings (a flag wins over its environment variable, which wins over the default)",
    (table.unpack or unpack)(options))
end

-- The parsed arguments -> the config of sakari.new: the settings given as flags.
function M.config(args)
  local config = {}
  for _, s in ipairs(FLAGGED) do config[s.name] = args[s.name] end
  return config
end

return M
