import UXChurn
import FuzzSupport

/// libFuzzer's entry point: the bytes as a `uxchurn.yml`. A configuration error is the
/// expected answer to most inputs; a trap is a finding. `.ci/fuzz.sh` builds it with
/// `-sanitize=fuzzer`.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzConfiguration(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: data == nil ? 0 : size), as: UTF8.self)
    _ = try? Configuration.parse(yaml: text, file: "fuzz.yml")
    return 0
}

@main
enum FuzzTarget {
    static func main() {
        runFuzzTarget { data, size in fuzzConfiguration(data, size) }
    }
}
