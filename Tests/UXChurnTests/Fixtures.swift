import Foundation
@testable import Reports
@testable import UXChurn
@testable import LogParsing
@testable import Sessions
@testable import Analysis

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
    let analysis = try Pipeline.run(options)
    let text = SummaryDocument.build(analysis).serialized()
    return try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] ?? [:]
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
        _ = FileManager.default.createFile(atPath: full, contents: Data(text.utf8))
        return full
    }
}

/// Differences between an expected-summary.json and a summary, as ../shared/conformance says:
/// every expected key must be there with the same value (numbers to 1e-6, `load_ms` within 1%);
/// lists of pages and days are matched by `group` and `date`.
func conformanceDifferences(_ expected: Any, _ actual: Any?, path: String = "", withinPercent: Bool = false) -> [String] {
    switch expected {
    case let object as [String: Any]:
        guard let actualObject = actual as? [String: Any] else { return ["\(path): expected an object"] }
        return object.sorted { $0.key < $1.key }.flatMap { key, want -> [String] in
            guard let value = actualObject[key] else { return ["\(path).\(key): missing"] }
            return conformanceDifferences(want, value, path: "\(path).\(key)",
                                          withinPercent: withinPercent || key == "load_ms")
        }
    case let list as [Any]:
        guard let actualList = actual as? [Any] else { return ["\(path): expected a list"] }
        if let first = list.first as? [String: Any], let key = ["group", "date"].first(where: { first[$0] != nil }) {
            var byKey: [String: Any] = [:]
            for item in actualList { if let item = item as? [String: Any], let name = item[key] as? String { byKey[name] = item } }
            return list.flatMap { item -> [String] in
                let name = (item as? [String: Any])?[key] as? String ?? ""
                guard let match = byKey[name] else { return ["\(path): no \(key) \(name)"] }
                return conformanceDifferences(item, match, path: "\(path)[\(name)]", withinPercent: withinPercent)
            }
        }
        guard list.count == actualList.count else { return ["\(path): expected \(list.count) items, got \(actualList.count)"] }
        return zip(list, actualList).enumerated().flatMap { index, pair in
            conformanceDifferences(pair.0, pair.1, path: "\(path)[\(index)]", withinPercent: withinPercent)
        }
    case let number as NSNumber:
        guard let got = actual as? NSNumber else { return ["\(path): expected \(number), got \(String(describing: actual))"] }
        let tolerance = withinPercent ? abs(number.doubleValue) * 0.01 : 1e-6
        return abs(number.doubleValue - got.doubleValue) <= tolerance + 1e-9 ? [] : ["\(path): expected \(number), got \(got)"]
    case is NSNull:
        return actual is NSNull ? [] : ["\(path): expected null, got \(String(describing: actual))"]
    default:
        guard let actual else { return ["\(path): expected \(expected), got nothing"] }
        return "\(expected)" == "\(actual)" ? [] : ["\(path): expected \(expected), got \(actual)"]
    }
}

/// The sections compared with the expected figures: all of them.
let computedSections = ["input", "traffic", "pages", "exit_rate_by_load", "error_exits", "dead_end_exits", "frustration", "days", "funnels",
                        "cart", "retention"]

/// The session stage of the default configuration, handing sessions to `fold`.
func sessionStage(_ fold: StatisticsFold, configuration: Configuration = Configuration()) throws -> HitStage {
    try configuration.hitStage(RunOptions(inputs: []), destination: .sessions(fold))
}

/// A session stage after its run, with the statistics its sessions folded into.
struct SessionRun {
    var stage: HitStage
    var statistics: SessionStatistics
    var visitorCount: Int { stage.visitorCount }
    var lateHits: Int { stage.lateHits }
}

extension RunError {
    /// Whether the run stopped on its input (exit 3).
    var isInput: Bool {
        switch self {
        case .input, .inputFaults: return true
        case .configuration, .breached: return false
        }
    }
}
