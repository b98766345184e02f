// imm-fuzz. Built by Tests/Fuzz/run with -sanitize=fuzzer and -DFUZZING, it has no main() of its
// own: libFuzzer's main() calls LLVMFuzzerTestOneInput (IMMFuzzTargets/FuzzEntryPoints.swift).
// A plain `swift build` gets this main(), the corpus-replay tool `imm-fuzz <target> <file-or-folder>...`.
// The entry module is C on purpose: SwiftPM renames a Swift executable's main and links it as
// `main`, which collides with libFuzzer's.

/// Replays files through a fuzz target; defined in IMMFuzzTargets.
int imm_fuzz_replay(int argc, char **argv);

#ifndef FUZZING
int main(int argc, char **argv) { return imm_fuzz_replay(argc, argv); }
#endif
