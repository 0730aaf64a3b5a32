# Sourced by scripts/bench-writer.sh, scripts/bench-webhook.sh and scripts/bench-faults.sh, from the project root: runs one
# benchmark main class of the examples module against the local Supabase REST (started here unless
# running, stopped again only if started here), after printing the machine.
#
#   . scripts/lib/bench-java.sh
#   run_bench io.github.bisonbackfill.examples.bench.WriterBenchmark "$@"

. scripts/lib/local-supabase-session.sh

run_bench() {
  local main="$1"; shift
  local_supabase_up
  trap 'local_supabase_down' EXIT
  local cp_file; cp_file="$(mktemp)"
  # One reactor build (nothing installed into ~/.m2); examples is built last, so its classpath is what stays in the file.
  mvn -B -ntp -q -Pbenchmark -pl examples -am package dependency:build-classpath -DskipTests -Dmdep.outputFile="$cp_file" >&2
  echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(java -version 2>&1 | head -1), $(uname -sr);" \
       "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  # A benchmark may prepare the database first: BENCH_PREPARE names a function given the classpath file.
  if [ -n "${BENCH_PREPARE:-}" ]; then "$BENCH_PREPARE" "$cp_file"; fi
  java -cp "examples/target/classes:$(cat "$cp_file")" "$main" "$@"
  rm -f "$cp_file"
}
