import ArgumentParser
import LogParsing
import Reports
import CSystemCalls
import SampleShop
import UXChurn
import LogInput
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

struct SampleLogsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sample-logs", abstract: "Write a realistic shop's rotated access logs into DIR.")

    @Argument(help: "Folder to write into (created if missing).")
    var dir: String

    @Option(help: "Days of logs, one file per day.")
    var days = 3

    @Option(help: "Distinct visitors over the period.")
    var visitors = 1000

    @Option(help: "Random seed: the same seed writes the same logs.")
    var seed: UInt64 = 1

    @Option(help: "The log format: common, combined, combined-timed, nginx-timed, combined+time, vcombined, ingress-nginx, traefik, alb, caddy, json, cloudfront or w3c.")
    var format = "combined-timed"

    @Flag(help: "Serve product images without an extension (/image/123/product/200x200), as many real shops do.")
    var imagesWithoutExtension = false

    @Option(help: "The shop's URL shapes: standard (/p/12-item, POST /cart/add), basket (a German shop: /produkt/12/…, GET /basket/add/12), query (/product.screen?productId=…, /cart.do?action=addtocart) or persian (long percent-encoded Persian pages: /m/product/12/84/%DB%8C…).")
    var urls = "standard"

    func validate() throws {
        guard URLShape(rawValue: urls) != nil else {
            let shapes = URLShape.allCases.map(\.rawValue)
            let guess = Spelling.hint(for: urls, among: shapes)
            throw ValidationError("--urls must be one of: \(shapes.joined(separator: ", "))\(guess)")
        }
        guard days >= 1, days <= 3660 else { throw ValidationError("--days must be 1 to 3660") }
        guard visitors >= 1, visitors <= 10_000_000 else { throw ValidationError("--visitors must be 1 to 10000000") }
    }

    func run() throws {
        if mkdir(dir, 0o755) != 0 && errno != EEXIST {
            throw RunError.configuration("\(dir): cannot create: \(String(cString: strerror(errno)))")
        }
        var sample = SampleLogs()
        sample.days = days
        sample.visitors = visitors
        sample.seed = seed
        sample.format = format
        sample.imagesWithoutExtension = imagesWithoutExtension
        sample.urls = URLShape(rawValue: urls) ?? .standard
        let names: [String]
        do {
            names = try sample.write(to: dir)
        } catch let error as SampleLogsError {
            throw RunError.configuration(error.description)
        }
        printErr("uxchurn: wrote \(names.joined(separator: ", ")) in \(dir)/")
    }
}
