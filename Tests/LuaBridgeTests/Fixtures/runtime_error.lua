-- A runtime error three calls deep: the error is on line 4, the callers on lines 8 and 13.
local function inner(t)
  local missing = t.missing
  return missing.field
end

local function middle(t)
  local value = inner(t)
  return value
end

function outer()
  local value = middle({})
  return value
end
