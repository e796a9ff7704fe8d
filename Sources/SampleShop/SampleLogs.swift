import Reports
import LogInput
import LogParsing

/// Writes a realistic shop's rotated access logs: returning visitors on phones and desktops,
/// search and social referrers, assets and API calls after each page, funnels that leak at
/// every step (more when pages are slow), bots, redirects, errors and a little junk.
///
/// Deterministic for a seed. The newest day is `access.log`, the one before `access.log.1`,
/// older days `access.log.N.gz` (logrotate with `delaycompress`).
/// A setting `SampleLogs` cannot write with.
public struct SampleLogsError: Error, Sendable, CustomStringConvertible {
    public var description: String
}

public struct SampleLogs {
    public var days = 3
    public var visitors = 1000
    public var seed: UInt64 = 1
    public var format = "combined-timed"
    /// The first day written, as days since 1970-01-01 (default 2026-03-02).
    public var firstDay: Int64 = CivilDate(year: 2026, month: 3, day: 2).daysSinceEpoch
    public var offsetMinutes = -300
    /// Product images served without an extension (`/image/123/product/200x200`), as many real
    /// shops do, a fifth of them without a referrer; otherwise `/img/p123.webp`. The same
    /// seed writes the same visits either way.
    public var imagesWithoutExtension = false
    /// The shop's URL shapes: the page paths and the add-to-cart and payment requests.
    public var urls = URLShape.standard

    public init() {}

    /// Writes the files into `folder` (which must exist) and returns their names, newest first.
    public func write(to folder: String) throws -> [String] {
        guard Self.formats.contains(format) else {
            let guess = Spelling.hint(for: format, among: Self.formats)
            throw SampleLogsError(description: "sample-logs --format must be one of: \(Self.formats.joined(separator: ", "))\(guess)")
        }
        var rng = SplitMix64(seed: seed)
        let people = (0..<max(visitors, 1)).map { Visitor.make(index: $0, rng: &rng) }
        var names: [String] = []
        for dayIndex in 0..<days {
            let day = firstDay + Int64(dayIndex)
            var lines: [(order: Int64, text: String)] = []
            for person in people {
                // Each visitor comes on about 40% of days; loyal ones more often.
                guard rng.chance(person.loyalty) else { continue }
                let sessions = rng.chance(0.15) ? 2 : 1
                for _ in 0..<sessions {
                    let start = day * 86_400 + Int64(rng.hourWeightedSecond()) - Int64(offsetMinutes) * 60
                    person.session(startingAt: start, rng: &rng, into: &lines, writer: self)
                }
            }
            botTraffic(day: day, rng: &rng, into: &lines)
            lines.sort { $0.order < $1.order }
            var text = directives(date: CivilDate(daysSinceEpoch: day).description, restart: false)
                + restartedHalfway(lines.map(\.text)).joined(separator: "\n")
            text.append("\n")
            if dayIndex == days / 2, days > 0 {
                // A little junk: a truncated line and a blank line, as crashed writers leave.
                let noon = day * 86_400 + 43_200 - Int64(offsetMinutes) * 60
                if Self.textFormats.contains(format) || format == "alb" {
                    text.append("203.0.113.77 - - [\(clock(noon))] \"GET /p/12-ite\n\n")
                } else {
                    let whole = line(ip: "203.0.113.77", time: noon, method: "GET", target: "/p/12-item", status: 200, bytes: 5120,
                                     referrer: "-", agent: "Mozilla/5.0", micros: 1000)
                    text.append(String(whole.prefix(whole.count / 2)) + "\n\n")
                }
            }
            let rotation = days - 1 - dayIndex
            let name = rotation == 0 ? "access.log" : rotation == 1 ? "access.log.1" : "access.log.\(rotation).gz"
            let path = folder + "/" + name
            if rotation >= 2 {
                try GzipFileWriter.write(Array(text.utf8), to: path)
            } else {
                try writeFile(path, Array(text.utf8))
            }
            names.insert(name, at: 0)
        }
        return names
    }

    // MARK: Lines

    /// The formats the sample can be written in.
    public static let formats = textFormats + ["alb", "caddy", "json", "cloudfront", "w3c"]
    /// The formats that write the request line quoted after `[time]`.
    static let textFormats = ["common", "combined", "combined-timed", "nginx-timed", "combined+time", "vcombined",
                              "ingress-nginx", "traefik"]

    func line(ip: String, time: Int64, method: String, target: String, status: Int, bytes: Int,
              referrer: String, agent: String, micros: Int) -> String {
        switch format {
        case "alb": return albLine(ip: ip, time: time, method: method, target: target, status: status, bytes: bytes, agent: agent, micros: micros)
        case "json", "caddy":
            return jsonLine(ip: ip, time: time, method: method, target: target, status: status, bytes: bytes,
                            referrer: referrer, agent: agent, micros: micros)
        case "cloudfront", "w3c":
            return w3cLine(ip: ip, time: time, method: method, target: target, status: status, bytes: bytes,
                           referrer: referrer, agent: agent, micros: micros)
        default: break
        }
        var line = "\(ip) - - [\(clock(time))] \"\(method) \(target) HTTP/1.1\" \(status) \(bytes)"
        if format == "common" { return line }
        line += " \"\(referrer)\" \"\(agent)\""
        let seconds = "\(micros / 1_000_000).\(threeDigits(micros / 1000 % 1000))"
        // A request id and an upstream address that follow from the line, so the same seed
        // writes the same logs.
        let id = String(UInt64(truncatingIfNeeded: time &* 2_654_435_761 &+ Int64(micros)), radix: 16)
        switch format {
        case "combined-timed": line += " \(micros)"
        case "nginx-timed": line += " \(seconds)"
        case "combined+time": line += " \"\(id)\" \"-\" \(seconds)"
        case "vcombined": line = "shop.example:443 " + line
        case "ingress-nginx":
            line += " \(300 + bytes % 400) \(seconds) [shop-web-80] [] 10.0.3.\(bytes % 4 + 10):8080 \(bytes) \(seconds) \(status) \(id)"
        case "traefik": line += " \(bytes % 90 + 1) \"shop@kubernetes\" \"http://10.0.3.\(bytes % 4 + 10):8080\" \(micros / 1000)ms"
        default: break
        }
        return line
    }

    /// An AWS Application Load Balancer entry: UTC time with microseconds, no referrer.
    private func albLine(ip: String, time: Int64, method: String, target: String, status: Int, bytes: Int, agent: String, micros: Int) -> String {
        let seconds = "\(micros / 1_000_000).\(threeDigits(micros / 1000 % 1000))"
        let utc = String(LogTimestamp(utcSeconds: time, offsetMinutes: 0).iso8601.dropLast(6))
        let fraction = String(100_000 + (bytes * 7919 + micros) % 900_000)
        let stamp = "\(utc).\(fraction)Z"
        let port = 1024 + bytes % 60_000
        let trace = String(UInt64(truncatingIfNeeded: time &* 2_654_435_761 &+ Int64(micros)), radix: 16)
        return "https \(stamp) app/shop-alb/50dc6c495c0c9188 \(ip):\(port) 10.0.3.11:8080 0.000 \(seconds) 0.000 \(status) \(status) 412 \(bytes) "
            + "\"\(method) https://shop.example:443\(target) HTTP/1.1\" \"\(agent)\" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 "
            + "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/shop/73e2d6bc24d8a067 \"Root=1-\(trace)\" \"shop.example\" "
            + "\"arn:aws:acm:us-east-1:123456789012:certificate/1\" 0 \(stamp) \"forward\" \"-\" \"-\" \"10.0.3.11:8080\" \"\(status)\" \"-\" \"-\""
    }

    /// nginx `escape=json` with the variables' names as keys, or Caddy's access log.
    private func jsonLine(ip: String, time: Int64, method: String, target: String, status: Int, bytes: Int,
                          referrer: String, agent: String, micros: Int) -> String {
        let seconds = "\(micros / 1_000_000).\(threeDigits(micros / 1000 % 1000))"
        func quoted(_ text: String) -> String {
            "\"" + text.replacing("\\", with: "\\\\").replacing("\"", with: "\\\"") + "\""
        }
        if format == "json" {
            // nginx writes an empty value for a header the request did not send.
            return "{\"time_local\":\"\(clock(time))\",\"remote_addr\":\"\(ip)\",\"remote_user\":\"\",\"request\":"
                + quoted("\(method) \(target) HTTP/1.1") + ",\"status\":\"\(status)\",\"body_bytes_sent\":\"\(bytes)\","
                + "\"request_time\":\"\(seconds)\",\"http_referer\":" + quoted(referrer == "-" ? "" : referrer)
                + ",\"http_user_agent\":" + quoted(agent == "-" ? "" : agent) + "}"
        }
        // Caddy: `ts` in seconds since 1970 with a fraction, headers as arrays; a header not sent is absent.
        let fraction = String(1_000_000 + (bytes * 7919 + micros) % 1_000_000).dropFirst()
        let duration = "\(micros / 1_000_000).\(String(1_000_000 + micros % 1_000_000).dropFirst())"
        var headers: [String] = []
        if agent != "-" { headers.append("\"User-Agent\":[" + quoted(agent) + "]") }
        if referrer != "-" { headers.append("\"Referer\":[" + quoted(referrer) + "]") }
        headers.append("\"Accept\":[\"text/html\"]")
        return "{\"level\":\"info\",\"ts\":\(time).\(fraction),\"logger\":\"http.log.access.log0\",\"msg\":\"handled request\","
            + "\"request\":{\"remote_ip\":\"\(ip)\",\"remote_port\":\"\(1024 + bytes % 60_000)\",\"client_ip\":\"\(ip)\","
            + "\"proto\":\"HTTP/1.1\",\"method\":" + quoted(method) + ",\"host\":\"shop.example\",\"uri\":" + quoted(target)
            + ",\"headers\":{" + headers.joined(separator: ",") + "}},\"bytes_read\":0,\"user_id\":\"\",\"duration\":\(duration),"
            + "\"size\":\(bytes),\"status\":\(status),\"resp_headers\":{\"Server\":[\"Caddy\"],\"Content-Type\":[\"text/html; charset=utf-8\"]}}"
    }

    /// The columns of the W3C formats, as their `#Fields:` directives name them.
    static let cloudfrontFields = ["date", "time", "x-edge-location", "sc-bytes", "c-ip", "cs-method", "cs(Host)", "cs-uri-stem",
                                   "sc-status", "cs(Referer)", "cs(User-Agent)", "cs-uri-query", "cs(Cookie)", "x-edge-result-type",
                                   "x-edge-request-id", "x-host-header", "cs-protocol", "cs-bytes", "time-taken", "x-forwarded-for",
                                   "ssl-protocol", "ssl-cipher", "x-edge-response-result-type", "cs-protocol-version"]
    static let iisFields = ["date", "time", "s-ip", "cs-method", "cs-uri-stem", "cs-uri-query", "s-port", "cs-username", "c-ip",
                            "cs-version", "cs(User-Agent)", "cs(Referer)", "cs-host", "sc-status", "sc-substatus", "sc-win32-status",
                            "sc-bytes", "cs-bytes", "time-taken"]
    /// The columns after the server restarted with another logging setup, as indexes of `iisFields`.
    static let iisRestartOrder = [0, 1, 8, 7, 2, 6, 3, 4, 5, 13, 14, 15, 16, 17, 18, 9, 12, 10, 11]

    /// An IIS (W3C extended) or CloudFront row: UTC date and time; the agent with `+` for spaces
    /// (IIS) or percent-encoded (CloudFront); the query in a column of its own.
    private func w3cLine(ip: String, time: Int64, method: String, target: String, status: Int, bytes: Int,
                         referrer: String, agent: String, micros: Int) -> String {
        let utc = LogTimestamp(utcSeconds: time, offsetMinutes: 0).iso8601  // 2026-03-02T15:00:00+00:00
        let date = String(utc.prefix(10)), clock = String(utc.dropFirst(11).prefix(8))
        let parts = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        let stem = parts.first.map(String.init) ?? target
        let query = parts.count > 1 ? String(parts[1]) : "-"
        if format == "w3c" {
            let columns = [date, clock, "10.0.3.11", method, stem, query, "443", "-", ip, "HTTP/1.1",
                           agent.replacing(" ", with: "+"), referrer, "shop.example", "\(status)", "0", "0",
                           "\(bytes)", "\(300 + bytes % 400)", "\(micros / 1000)"]
            return columns.joined(separator: " ")
        }
        var encoded = ""
        for byte in agent.utf8 {
            if byte <= 0x20 || byte >= 0x7F || byte == 0x25 || byte == 0x22 {
                encoded += (byte < 16 ? "%0" : "%") + String(byte, radix: 16, uppercase: true)
            } else {
                encoded += String(UnicodeScalar(byte))
            }
        }
        let seconds = "\(micros / 1_000_000).\(threeDigits(micros / 1000 % 1000))"
        let id = String(UInt64(truncatingIfNeeded: time &* 2_654_435_761 &+ Int64(micros)), radix: 36)
        let columns = [date, clock, "FRA56-P1", "\(bytes)", ip, method, "d111111abcdef8.cloudfront.net", stem, "\(status)", referrer,
                       agent == "-" ? "-" : encoded, query, "-", "Miss", id + "==", "shop.example", "https", "\(300 + bytes % 400)",
                       seconds, "-", "TLSv1.3", "TLS_AES_128_GCM_SHA256", "Miss", "HTTP/1.1"]
        return columns.joined(separator: "\t")
    }

    /// The directives a W3C file starts with (and IIS writes again when it restarts).
    private func directives(date: String, restart: Bool) -> String {
        switch format {
        case "cloudfront":
            return "#Version: 1.0\n#Fields: " + Self.cloudfrontFields.joined(separator: " ") + "\n"
        case "w3c":
            let fields = restart ? Self.iisRestartOrder.map { Self.iisFields[$0] } : Self.iisFields
            return "#Software: Microsoft Internet Information Services 10.0\n#Version: 1.0\n#Date: \(date) \(restart ? "12:00:00" : "00:00:00")\n"
                + "#Fields: " + fields.joined(separator: " ") + "\n"
        default:
            return ""
        }
    }

    /// IIS logs: halfway through the day the server restarts with its columns in another
    /// order, and writes its directives again.
    private func restartedHalfway(_ lines: [String]) -> [String] {
        guard format == "w3c", lines.count >= 2 else { return lines }
        let half = lines.count / 2
        var result = Array(lines[..<half])
        let date = lines[half].prefix(10)  // the row's date column
        result.append(String(directives(date: String(date), restart: true).dropLast()))
        for line in lines[half...] {
            let columns = line.split(separator: " ", omittingEmptySubsequences: false)
            guard columns.count == Self.iisFields.count else {
                result.append(line)
                continue
            }
            result.append(Self.iisRestartOrder.map { String(columns[$0]) }.joined(separator: " "))
        }
        return result
    }

    private func threeDigits(_ value: Int) -> String {
        value < 10 ? "00\(value)" : value < 100 ? "0\(value)" : "\(value)"
    }

    /// `02/Mar/2026:10:00:00 -0500` for a UTC instant, in the sample's offset.
    func clock(_ utc: Int64) -> String {
        LogTimestamp(utcSeconds: utc, offsetMinutes: Int16(offsetMinutes)).commonLog
    }

    private func botTraffic(day: Int64, rng: inout SplitMix64, into lines: inout [(order: Int64, text: String)]) {
        let bots = [
            ("66.249.66.\(1 + rng.below(200))", "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"),
            ("40.77.167.\(1 + rng.below(200))", "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)"),
            ("198.51.100.250", "curl/8.5.0"),
            ("198.51.100.251", "python-requests/2.31.0"),
            ("203.0.113.254", "-"),
        ]
        let count = max(visitors / 2, 20)
        for _ in 0..<count {
            let (ip, agent) = bots[rng.below(bots.count)]
            let time = day * 86_400 + Int64(rng.below(86_400)) - Int64(offsetMinutes) * 60
            let category = rng.below(Catalog.categories.count)
            let product = rng.below(400)
            let target = ["/", "/robots.txt", "/sitemap.xml", urls.category(Catalog.categories[category]),
                          urls.product(product), "/wp-login.php", "/healthz"][rng.below(7)]
            let status = target == "/wp-login.php" ? 404 : 200
            lines.append((time * 1000, line(ip: ip, time: time, method: "GET", target: target, status: status,
                                             bytes: 1200 + rng.below(9000), referrer: "-", agent: agent,
                                             micros: 20_000 + rng.below(200_000))))
        }
        // A TLS handshake sent to the plain port, as scanners do.
        let time = day * 86_400 + 3600 - Int64(offsetMinutes) * 60
        let handshake = #""\x16\x03\x01\x02\x00\x01\x00""#
        if !Self.textFormats.contains(format), format != "alb" {
            // A request line that is no request: how each server logs the bytes a TLS client sent.
            let written = line(ip: "198.51.100.7", time: time, method: "\u{16}\u{3}\u{1}", target: "/", status: 400, bytes: 157,
                               referrer: "-", agent: "-", micros: 120)
            lines.append((time * 1000, written
                .replacing("\u{16}\u{3}\u{1} / HTTP/1.1", with: #"\u0016\u0003\u0001\u0002\u0000\u0001\u0000"#)  // json
                .replacing("\"method\":\"\u{16}\u{3}\u{1}\"", with: #""method":"\u0016\u0003\u0001""#)  // caddy
                .replacing("\t\u{16}\u{3}\u{1}\t", with: "\t-\t")  // cloudfront: no method
                .replacing("\u{16}\u{3}\u{1} / ", with: "- - ")))  // w3c
        } else if ["common", "combined", "combined-timed", "nginx-timed"].contains(format) {
            lines.append((time * 1000, "198.51.100.7 - - [\(clock(time))] \(handshake) 400 157 \"-\" \"-\"" + (format == "combined-timed" ? " 120" : format == "nginx-timed" ? " 0.000" : "")))
        } else {
            let written = line(ip: "198.51.100.7", time: time, method: "X", target: "Y", status: 400, bytes: 157, referrer: "-", agent: "-", micros: 120)
            lines.append((time * 1000, written.replacing(#""X Y HTTP/1.1""#, with: handshake)
                .replacing(#""X https://shop.example:443Y HTTP/1.1""#, with: handshake)))
        }
    }
}

enum Catalog {
    static let categories = ["hats", "shoes", "bags", "coats", "shirts", "socks", "gloves", "scarves"]
    static let searchWords = ["red+hat", "wool", "boots", "sale", "leather+bag", "rain+coat"]

    /// Typical server time per page kind, in ms: product and checkout pages are slower.
    static func baseMilliseconds(_ kind: PageKind) -> Double {
        switch kind {
        case .home: return 220
        case .category: return 380
        case .product: return 560
        case .search: return 820
        case .cart: return 450
        case .checkout: return 1100
        case .payment: return 1500
        case .confirmation: return 650
        case .account: return 300
        }
    }
}

/// The URL shapes of the sample shop's pages and requests.
public enum URLShape: String, CaseIterable, Sendable {
    /// `/p/12-item`, `POST /cart/add`, `/cart`, `/checkout`, `/checkout/payment`,
    /// `/order/confirmation/12345`.
    case standard
    /// A shop written in German with an English cart: `/produkt/12/wollmuetze-12`,
    /// `GET /basket/add/12` (answered 200), `/basket/view`, `/basket/kasse`, `/basket/zahlung`,
    /// `/bestellung/danke/12345`.
    case basket
    /// Actions in the query string: `/product.screen?productId=12`,
    /// `GET /cart.do?action=addtocart&itemId=12`, `/cart.do?action=view`, `…action=checkout`,
    /// `…action=payment`, `/cart.do?action=purchase&orderId=12345`.
    case query
    /// A Persian shop whose pages are long percent-encoded words, as real ones write them:
    /// `/m/product/12/84/%DB%8C%D8%AE%DA%86%D8%A7%D9%84-…-12`, `/m/category/%D9%BE…`; the cart
    /// as in `standard`.
    case persian

    /// Persian words of the sample's product and category names.
    static let persianWords = ["یخچال", "فریزر", "ساید", "بای", "لباسشویی", "ماشین", "ظرفشویی", "جاروبرقی", "کولر", "گازی",
                               "تلویزیون", "هوشمند", "اینچ", "مدل", "سفید", "نقره‌ای"]

    /// A Persian slug of `count` words from `seed`, percent-encoded as browsers send it.
    static func persianSlug(_ seed: Int, words count: Int) -> String {
        let words = (0..<count).map { persianWords[(seed * 7 + $0 * 3) % persianWords.count] }
        var out = ""
        for byte in words.joined(separator: "-").utf8 {
            if byte >= 0x80 {
                let hex = String(byte, radix: 16, uppercase: true)
                out += "%" + (hex.count == 1 ? "0" + hex : hex)
            } else {
                out += String(UnicodeScalar(byte))
            }
        }
        return out
    }

    func category(_ name: String) -> String {
        switch self {
        case .standard: return "/c/\(name)"
        case .basket: return "/kategorie/\(name)"
        case .query: return "/category.screen?categoryId=\(name.uppercased())"
        case .persian: return "/m/category/" + Self.persianSlug(name.utf8.count, words: 2)
        }
    }

    func product(_ id: Int) -> String {
        switch self {
        case .standard: return "/p/\(id)-item"
        case .basket: return "/produkt/\(id)/wollmuetze-\(id)"
        case .query: return "/product.screen?productId=EST-\(id)"
        case .persian: return "/m/product/\(id)/\(id * 7)/" + Self.persianSlug(id, words: 6) + "-\(id)"
        }
    }

    func search(_ words: String) -> String {
        switch self {
        case .standard, .persian: return "/search?q=\(words)"
        case .basket: return "/suche?q=\(words)"
        case .query: return "/search.do?items=\(words)"
        }
    }

    /// The add-to-cart request for a product: method, target and status.
    func add(_ product: Int) -> (method: String, target: String, status: Int) {
        switch self {
        case .standard, .persian: return ("POST", "/cart/add", 302)
        case .basket: return ("GET", "/basket/add/\(product)", 200)
        case .query: return ("GET", "/cart.do?action=addtocart&itemId=EST-\(product)", 200)
        }
    }

    var cart: String {
        switch self {
        case .standard, .persian: return "/cart"
        case .basket: return "/basket/view"
        case .query: return "/cart.do?action=view"
        }
    }

    var checkout: String {
        switch self {
        case .standard, .persian: return "/checkout"
        case .basket: return "/basket/kasse"
        case .query: return "/cart.do?action=checkout"
        }
    }

    /// The payment page, which its form posts back to.
    var payment: String {
        switch self {
        case .standard, .persian: return "/checkout/payment"
        case .basket: return "/basket/zahlung"
        case .query: return "/cart.do?action=payment"
        }
    }

    func confirmation(_ order: Int) -> String {
        switch self {
        case .standard, .persian: return "/order/confirmation/\(order)"
        case .basket: return "/bestellung/danke/\(order)"
        case .query: return "/cart.do?action=purchase&orderId=\(order)"
        }
    }

    var account: String {
        switch self {
        case .standard, .persian: return "/account"
        case .basket: return "/konto"
        case .query: return "/account.do"
        }
    }
}

enum PageKind {
    case home, category, product, search, cart, checkout, payment, confirmation, account
}

/// One simulated shopper.
struct Visitor {
    var ip: String
    var agent: String
    var loyalty: Double
    var buyer: Double

    static let agents = [
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
        "Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
        "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
        "Mozilla/5.0 (iPad; CPU OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1",
        "Mozilla/5.0 (Linux; Android 13; SM-X200) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
    ]

    static func make(index: Int, rng: inout SplitMix64) -> Visitor {
        let ip = "\(rng.chance(0.5) ? 192 : 10).\(index / 65_536 % 256).\(index / 256 % 256).\(index % 256)"
        let agent = agents[rng.below(agents.count)]
        return Visitor(ip: ip, agent: agent, loyalty: 0.2 + 0.5 * rng.unit(), buyer: rng.unit())
    }

    /// One session's lines: pages, their assets and API calls, and the funnel walk.
    func session(startingAt start: Int64, rng: inout SplitMix64, into lines: inout [(order: Int64, text: String)],
                 writer: SampleLogs) {
        var time = start
        let entryReferrer = ["-", "-", "https://www.google.com/", "https://www.bing.com/", "https://www.facebook.com/",
                             "https://t.co/x1", "https://news.example.org/post"][rng.below(7)]
        var referrer = entryReferrer
        var kind: PageKind = [.home, .home, .category, .product, .product, .search][rng.below(6)]
        var pages = 0
        var product = 0
        let urls = writer.urls
        // Struggling visitors, planted from a generator of their own: slow pages get reloaded, a
        // payment page answered 502 is asked for again, impatient shoppers send a form twice or
        // go back at once; and as on real shops, many of them give up soon after.
        let address = ip.utf8.reduce(UInt64(0)) { $0 &* 31 &+ UInt64($1) }
        var struggle = SplitMix64(seed: UInt64(bitPattern: start) &* 0x9E37_79B9_7F4A_7C15 ^ address)
        while pages < 25 {
            pages += 1
            let target: String
            switch kind {
            case .home: target = "/"
            case .category: target = urls.category(Catalog.categories[rng.below(Catalog.categories.count)])
            case .product:
                product = rng.below(400)
                target = urls.product(product)
            case .search: target = urls.search(Catalog.searchWords[rng.below(Catalog.searchWords.count)])
            case .cart: target = urls.cart
            case .checkout: target = urls.checkout
            case .payment: target = urls.payment
            case .confirmation: target = urls.confirmation(10_000 + rng.below(90_000))
            case .account: target = urls.account
            }
            let slowFactor = rng.chance(0.04) ? 4 + 4 * rng.unit() : 0.5 + rng.unit()
            let millis = Catalog.baseMilliseconds(kind) * slowFactor
            let micros = Int(millis * 1000)
            var status = 200
            if kind == .product, rng.chance(0.02) { status = 404 }
            if kind == .payment, rng.chance(0.02) { status = 502 }
            if kind == .payment, status == 200, struggle.chance(0.05) { status = 502 }  // a flaky payment provider
            let host = "https://shop.example"
            lines.append(emit(writer, time: time, micros: micros, method: "GET", target: target, status: status,
                              referrer: referrer, rng: &rng))
            if millis >= 2500, struggle.chance(0.35) {
                // A slow page reloaded a few seconds later; the second load is quicker.
                lines.append(emit(writer, time: time + 3 + Int64(struggle.below(6)), micros: micros / 3, method: "GET", target: target,
                                  status: status, referrer: referrer, rng: &struggle))
                if struggle.chance(0.75) { return }
            }
            if status >= 500, struggle.chance(0.6) {
                // The payment page answered 502: asked for again within the minute.
                lines.append(emit(writer, time: time + 5 + Int64(struggle.below(40)), micros: micros, method: "GET", target: target,
                                  status: 200, referrer: referrer, rng: &struggle))
            }
            if kind == .product, status == 200, struggle.chance(0.04) {
                // Another product opened, and back at once.
                let other = urls.product((product + 1 + struggle.below(399)) % 400)
                lines.append(emit(writer, time: time + 4, micros: micros, method: "GET", target: other, status: 200,
                                  referrer: "https://shop.example" + target, rng: &struggle))
                lines.append(emit(writer, time: time + 6 + Int64(struggle.below(3)), micros: micros / 2, method: "GET", target: target,
                                  status: 200, referrer: "https://shop.example" + other, rng: &struggle))
                if struggle.chance(0.7) { return }
            }
            // Assets and API calls follow the page within a second or two.
            let image = rng.below(400)
            let imageTarget = writer.imagesWithoutExtension ? "/image/\(image)/product/200x200" : "/img/p\(image).webp"
            for asset in ["/static/app.css", "/static/app.js", imageTarget, "/favicon.ico"]
            where rng.chance(0.8) {
                let at = time + Int64(rng.below(2))
                let bare = asset == imageTarget && writer.imagesWithoutExtension && image % 5 == 0
                lines.append(emit(writer, time: at, micros: 2000 + rng.below(30_000), method: "GET", target: asset,
                                  status: rng.chance(0.1) ? 304 : 200, referrer: bare ? "-" : host + target, rng: &rng))
            }
            if rng.chance(0.3) {
                lines.append(emit(writer, time: time + 1, micros: 30_000 + rng.below(90_000), method: "GET",
                                  target: "/api/recommendations?p=\(rng.below(400))", status: 200,
                                  referrer: host + target, rng: &rng))
            }
            referrer = host + target
            if status >= 500 { return }
            // Slow pages lose visitors: the chance to leave grows with the load time.
            let leave = 0.22 + min(0.5, millis / 10_000) + (status == 404 ? 0.3 : 0)
            if kind == .confirmation || rng.chance(leave) { return }
            time += Int64(8 + rng.below(90))
            switch kind {
            case .home, .search, .account:
                kind = rng.chance(0.6) ? .category : .product
            case .category:
                kind = rng.chance(0.75) ? .product : .search
            case .product:
                if rng.chance(0.25 + 0.3 * buyer) {
                    let add = urls.add(product)
                    lines.append(emit(writer, time: time, micros: 80_000 + rng.below(200_000), method: add.method,
                                      target: add.target, status: add.status, referrer: referrer, rng: &rng))
                    if struggle.chance(0.04) {
                        // The button pressed twice: two in the cart, and often no patience left.
                        lines.append(emit(writer, time: time + 1, micros: 90_000, method: add.method, target: add.target,
                                          status: add.status, referrer: referrer, rng: &struggle))
                        if struggle.chance(0.8) { return }
                    }
                    time += 1
                    kind = .cart
                } else {
                    kind = rng.chance(0.5) ? .product : .category
                }
            case .cart:
                kind = rng.chance(0.55 + 0.3 * buyer) ? .checkout : .product
            case .checkout:
                kind = rng.chance(0.7) ? .payment : .cart
            case .payment:
                if rng.chance(0.85) {
                    lines.append(emit(writer, time: time, micros: 300_000 + rng.below(900_000), method: "POST",
                                      target: urls.payment, status: 303, referrer: referrer, rng: &rng))
                    if struggle.chance(0.03) {
                        // A slow payment, and the form sent again.
                        lines.append(emit(writer, time: time + 1, micros: 400_000, method: "POST", target: urls.payment,
                                          status: 303, referrer: referrer, rng: &struggle))
                    }
                    time += 2
                    kind = .confirmation
                } else {
                    kind = .checkout
                }
            case .confirmation:
                return
            }
            if rng.chance(0.03) {
                // An old link that redirects.
                lines.append(emit(writer, time: time, micros: 3000, method: "GET", target: "/old-sale",
                                  status: 301, referrer: referrer, rng: &rng))
            }
        }
    }

    /// A line, ordered by when the server writes it: at the end of the request.
    private func emit(_ writer: SampleLogs, time: Int64, micros: Int, method: String, target: String, status: Int,
                      referrer: String, rng: inout SplitMix64) -> (order: Int64, text: String) {
        let written = time * 1000 + Int64(micros / 1000)
        return (written, writer.line(ip: ip, time: time, method: method, target: target, status: status,
                                      bytes: 500 + rng.below(40_000), referrer: referrer, agent: agent, micros: micros))
    }
}

/// A small, fast, seedable generator (SplitMix64), so samples are the same on every machine.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(max(n, 1))) }
    mutating func chance(_ p: Double) -> Bool { unit() < p }

    /// A second of the day, busier in the evening than at night.
    mutating func hourWeightedSecond() -> Int {
        let weights: [Double] = [1, 0.6, 0.4, 0.3, 0.3, 0.5, 1, 2, 3, 3.5, 4, 4, 4.5, 4.5, 4, 4, 4.5, 5, 6, 7, 7, 6, 4, 2]
        let total = weights.reduce(0, +)
        var pick = unit() * total
        for (hour, weight) in weights.enumerated() {
            if pick < weight { return hour * 3600 + below(3600) }
            pick -= weight
        }
        return 23 * 3600 + below(3600)
    }
}
