import Foundation
import Reports
@testable import UXChurn

/// The package's folder, found from this file's path.
let packageRoot: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.path
}()

let fixtures = packageRoot + "/fixtures"

/// `../shared` beside the clone, when present (CI has it; a lone clone may not).
let shared: String? = {
    let path = URL(fileURLWithPath: packageRoot).deletingLastPathComponent().appendingPathComponent("shared").path
    return FileManager.default.fileExists(atPath: path + "/realdata") ? path : nil
}()

/// Runs the analysis as `report` does and returns `summary.json`, parsed.
func summary(_ inputs: [String], config: String? = nil, format: String? = nil, maxBad: Double = 0.05) throws -> [String: Any] {
    var options = RunOptions(inputs: inputs)
    options.configPath = config
    options.format = format
    options.maxBadLineShare = maxBad
    let analysis = try Analysis.run(options)
    let text = SummaryDocument.build(analysis).serialized()
    return try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] ?? [:]
}

/// The keys of `expected` that differ in `actual` (numbers compared to 1e-6).
func differences(_ expected: [String: Any], _ actual: [String: Any]) -> [String] {
    expected.keys.sorted().compactMap { key in
        let e = expected[key], a = actual[key]
        if let e = e as? NSNumber, let a = a as? NSNumber {
            return abs(e.doubleValue - a.doubleValue) <= 1e-6 ? nil : "\(key): expected \(e), got \(a)"
        }
        if let e = e as? String, let a = a as? String { return e == a ? nil : "\(key): expected \(e), got \(a)" }
        return "\(key): expected \(String(describing: e)), got \(String(describing: a))"
    }
}

final class Scratch {
    let path: String
    init() {
        path = NSTemporaryDirectory() + "uxchurn-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }

    @discardableResult
    func write(_ name: String, _ text: String) -> String {
        let full = path + "/" + name
        FileManager.default.createFile(atPath: full, contents: Data(text.utf8))
        return full
    }
}
