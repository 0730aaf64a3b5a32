# Sourced by the scripts that need the local Supabase REST (scripts/local-supabase.sh), from the
# project root: starts it unless it is running already, exports its environment, and stops it again
# at the end only if it was started here.
#
#   . scripts/lib/local-supabase-session.sh
#   local_supabase_up
#   trap 'local_supabase_down' EXIT

local_supabase_up() {
  LOCAL_SUPABASE_STARTED_HERE=0
  scripts/local-supabase.sh status 2>/dev/null || LOCAL_SUPABASE_STARTED_HERE=1
  eval "$(scripts/local-supabase.sh start)"
}

local_supabase_down() {
  if [ "${LOCAL_SUPABASE_STARTED_HERE:-0}" = 1 ]; then
    scripts/local-supabase.sh stop
  fi
}
