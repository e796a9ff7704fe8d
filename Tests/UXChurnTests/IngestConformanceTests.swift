import Foundation
import Testing
@testable import UXChurn
@testable import LogParsing
@testable import Sessions
@testable import Reports
@testable import Analysis

/// Every section this build computes, for every conformance case and the golden logs, against the
/// figures an independent implementation computed (the cases are copied from ../shared into fixtures/).
@Suite struct IngestConformanceTests {
    static let cases = ["bounce-and-actions", "cart", "classes", "exits", "funnel-order", "lines", "load-buckets",
                        "midnight-and-files", "out-of-order", "percentiles", "same-second-ties", "timeout-boundary",
                        "two-servers", "scanners-and-fast", "query-matchers", "frustration", "no-offset"]

    /// Runs the folder with its own configuration and compares every computed section.
    func check(_ folder: String) throws -> [String: Any] {
        // An expected file that does not parse, or lists none of the sections, fails the case.
        let data = try Data(contentsOf: URL(fileURLWithPath: folder + "/expected-summary.json"))
        let expected = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any], "\(folder): not a JSON object")
        #expect(computedSections.contains { expected[$0] != nil }, "\(folder): no computed section is expected")
        let actual = try summary([folder], config: folder + "/uxchurn.yml")
        for section in computedSections {
            guard let want = expected[section] else { continue }
            let diff = conformanceDifferences(want, actual[section], path: section)
            #expect(diff.isEmpty, "\(diff)")
        }
        return actual
    }

    @Test(arguments: cases)
    func computedSectionsMatch(name: String) throws {
        _ = try check(fixtures + "/conformance/" + name)
    }

    @Test func goldenSectionsMatch() throws {
        let folder = fixtures + "/golden"
        let actual = try check(folder)
        let input = actual["input"] as? [String: Any]
        #expect(input?["files"] as? [String] == ["access.log.2.gz", "access.log.1", "access.log"].map { folder + "/" + $0 })
        #expect(input?["format"] as? String == "combined-timed")
        let period = actual["period"] as? [String: String]
        #expect(period?["from"] == "2026-03-02T00:10:14-05:00")
        #expect(period?["to"] == "2026-03-04T23:57:59-05:00")
    }

    /// Scanners, monitors, crawlers with browser agents and fast scrapers among shoppers: every
    /// figure after `input` counts only the sessions that are visitors'.
    @Test func wildGoldenSectionsMatch() throws {
        let actual = try check(fixtures + "/golden-wild")
        let traffic = actual["traffic"] as? [String: Any]
        #expect((traffic?["excluded_sessions"] as? [String: Int])?.values.reduce(0, +) ?? 0 > 0)
    }

    @Test func theLinesCaseKeepsSamplesWithFileAndLine() throws {
        let folder = fixtures + "/conformance/lines"
        let input = try summary([folder], config: folder + "/uxchurn.yml")["input"] as? [String: Any]
        let samples = input?["skipped_samples"] as? [[String: Any]] ?? []
        // The truncated line is physical line 4 (after a CRLF line and a blank one); the 2 MiB line is 5.
        #expect(samples.map { $0["line"] as? Int } == [4, 5])
        #expect((samples.first?["text"] as? String)?.hasSuffix("-05") == true)
        #expect((samples.last?["text"] as? String)?.count == 512)
    }
}
