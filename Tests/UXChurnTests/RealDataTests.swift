import Foundation
import Testing
@testable import UXChurn
@testable import LogParsing
@testable import Sessions
@testable import Reports
@testable import Analysis

/// Real servers' logs from ../shared/realdata (personal data: read there, never copied).
/// Each file's skip count is pinned, with the reason.
@Suite(.enabled(if: shared != nil, "../shared/realdata is not beside this clone"))
struct RealDataTests {
    struct Case: Sendable, CustomStringConvertible {
        var file: String
        var format: String
        var lines: Int
        var skipped: Int
        var why: String
        var description: String { file }
    }

    static let cases: [Case] = [
        Case(file: "advertools_combined_latin1_2023.log", format: "combined", lines: 200, skipped: 30,
             why: "lines 170–199 are a gzip file pasted into the log: binary, no format matches"),
        Case(file: "advertools_dreamhost_apache_access_2023.log", format: "combined", lines: 129, skipped: 0,
             why: "the trailing space after the user agent is after the last field; the blank line is not counted"),
        Case(file: "advertools_nginx_access_2021.log", format: "combined", lines: 1000, skipped: 0,
             why: "scanners' odd request lines parse and are classed invalid_requests"),
        Case(file: "elastic_apache_logs_2015.log", format: "combined", lines: 10000, skipped: 1,
             why: "line 8899 is cut off inside the user agent: its closing quote is missing"),
        Case(file: "elastic_nginx_logs_2015.log.gz", format: "combined", lines: 51462, skipped: 0,
             why: "out-of-order timestamps do not stop parsing"),
        Case(file: "mrtc_longdistance_2005_2018.log.gz", format: "combined", lines: 105177, skipped: 2,
             why: "two UTC offsets and thirteen sparse years parse alike; two lines cut off in their user agent run into the next record with no newline, and are skipped"),
        Case(file: "nasa_jul95_first4000.log", format: "common", lines: 4000, skipped: 0,
             why: "host names in %h are fine; HTTP/0.9 requests without a protocol are invalid_requests"),
    ]

    @Test(arguments: cases)
    func everyRealFileIsReadWithItsPinnedSkipCount(_ testCase: Case) throws {
        let path = (shared ?? "") + "/realdata/" + testCase.file
        let input = try summary([path], maxBad: 1)["input"] as? [String: Any]
        #expect(input?["format"] as? String == testCase.format)
        #expect(input?["lines"] as? Int == testCase.lines)
        #expect(input?["skipped"] as? Int == testCase.skipped, "\(testCase.why)")
        let parsed = input?["parsed"] as? Int ?? 0
        let classes = ["invalid_requests", "bot_requests", "asset_requests", "ignored_requests", "dropped_requests",
                       "page_views", "actions"].reduce(0) { $0 + (input?[$1] as? Int ?? 0) }
        #expect(classes == parsed)
    }

    /// Fitted without a configuration, each real log ignores only families that are no pages:
    /// a Dash app's scripts and XHR calls under `/staging/`, NASA's extensionless `/icons/`
    /// (no referrers there: the burst rule). Every other family stays a page.
    @Test(arguments: cases)
    func theFitIgnoresNoRealPageFamily(_ testCase: Case) throws {
        let path = (shared ?? "") + "/realdata/" + testCase.file
        let fitted = try FittedConfiguration.fit(Pipeline.resolveInputs([path]), options: RunOptions(inputs: [path]), presetHint: nil)
        let expected = ["advertools_nginx_access_2021.log": ["^/staging/"], "nasa_jul95_first4000.log": ["^/icons/"]]
        #expect(fitted.advice.ignore.map(\.pattern) == expected[testCase.file] ?? [])
        #expect(try Configuration.parse(yaml: fitted.yaml, file: "fitted").pages == fitted.configuration.pages)
    }
}
