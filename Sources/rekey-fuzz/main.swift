// rekey-fuzz: the parse → analyse → fix → verify pipeline on one input, as a libFuzzer target and
// as a replay tool.
//
// scripts/fuzz builds it with `-sanitize=fuzzer -D REKEY_LIBFUZZER`: this main hands control to
// libFuzzer's driver (`LLVMFuzzerRunDriver`), which calls `fuzzOneInput` with each input; a broken
// invariant aborts, and libFuzzer saves the input. Built plainly (`swift build`) it is the replay
// tool: `rekey-fuzz FILE|DIR...` runs every file (a directory's files, sorted) through the same
// oracle, which is how scripts/test replays Tests/fuzz/regressions.
#if canImport(Glibc)
    import Glibc
#endif

// Exported under libFuzzer's name too: its runtime refers to the symbol even when the driver is
// handed the callback.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = size == 0 || data == nil ? [] : Array(UnsafeBufferPointer(start: data, count: size))
    if let failure = FuzzOracle.shared.run(bytes) {
        FuzzOracle.report(failure, input: "the fuzz input")
        abort()
    }
    return 0
}

#if REKEY_LIBFUZZER
    @_silgen_name("LLVMFuzzerRunDriver")
    func LLVMFuzzerRunDriver(
        _ argc: UnsafeMutablePointer<CInt>,
        _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
        _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
    ) -> CInt

    var argc = CommandLine.argc
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
    exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in fuzzOneInput(data, size) })
#else
    exit(Replay.main(Array(CommandLine.arguments.dropFirst())))
#endif
