import CSystemCalls
#if canImport(Glibc)
import Glibc
#endif

/// The `main` of a fuzz target. Built with `-sanitize=fuzzer -DFUZZING` (`.ci/fuzz.sh`), it
/// hands the command line to libFuzzer's driver, which calls `test` with generated inputs;
/// built plainly, it calls `test` once on each file named, to replay a finding.
public func runFuzzTarget(_ test: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> Never {
    #if FUZZING
    var argc = CommandLine.argc
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
    exit(LLVMFuzzerRunDriver(&argc, &argv, test))
    #else
    for path in CommandLine.arguments.dropFirst() {
        guard let file = fopen(path, "rb") else {
            print("cannot read \(path)")
            exit(2)
        }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while case let count = fread(&buffer, 1, buffer.count, file), count > 0 { bytes += buffer[..<count] }
        fclose(file)
        _ = bytes.withUnsafeBufferPointer { test($0.baseAddress, $0.count) }
    }
    exit(0)
    #endif
}
