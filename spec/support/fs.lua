-- Files and shell commands for specs and test runners.
local F = {}

-- The whole file, or nil when it cannot be read.
function F.read(path)
  local f = io.open(path, "rb")
  if not f then return nil end
  local text = f:read("*a")
  f:close()
  return text
end

function F.write(path, text)
  local f = assert(io.open(path, "wb"))
  f:write(text)
  f:close()
end

-- Whether a shell command succeeded (os.execute differs between 5.1 and 5.2+).
function F.sh(command)
  local ok = os.execute(command)
  return ok == true or ok == 0
end

return F
