import LogInput
/// What a field of a log line holds, for the fields uxchurn reads; the rest are opaque.
public enum FieldKind: Sendable, Hashable {
    case clientAddress          // %h %a $remote_addr
    case clientAddressWithPort  // ALB's `client:port`
    case remoteUser             // %u $remote_user
    case timeLocal              // %t (inside its brackets) $time_local
    case timeISO8601            // $time_iso8601
    case timeStrftime(StrftimePattern)  // %{FORMAT}t
    case request                // %r $request
    case method                 // %m $request_method
    case urlPath                // %U $uri
    case query                  // %q $args
    case requestURI             // $request_uri (path and query)
    case protocolVersion        // %H $server_protocol
    case status                 // %s %>s $status
    case bytes                  // %b %B $body_bytes_sent $bytes_sent
    case referrer               // %{Referer}i $http_referer
    case userAgent              // %{User-Agent}i $http_user_agent
    case cookie(String)         // %{NAME}C $cookie_NAME
    case host                   // %v $host
    case durationMicroseconds   // %D %{us}T
    case durationMilliseconds   // %{ms}T
    case durationSeconds        // %T
    case durationSuffixedMilliseconds  // Traefik's `183ms`
    case processingSeconds      // ALB's three processing times, added; -1: none
    case requestTime            // $request_time
    case upstreamTime           // $upstream_response_time
    case opaque                 // anything else: present, any text
}

/// A field read from the end of the line rather than in order.
public enum TrailingField: Sendable, Hashable {
    /// `$request_time`: digits, `.`, three digits.
    case requestTime
    /// Traefik's duration: `183ms`.
    case suffixedMilliseconds
}

/// How a format's lines are laid out.
public enum LineSyntax: Sendable, Hashable {
    /// Literals and fields in a fixed order (Apache, nginx, and the proxies that write like them).
    case text
    /// One JSON object a line, its keys read through a map.
    case json(JSONFieldMap)
    /// W3C extended: columns named by the latest `#Fields:` directive.
    case w3c(W3CDialect)
}

/// One piece of a compiled format: fixed text, or a field.
public enum FormatElement: Sendable, Hashable {
    case literal([UInt8])
    /// `quoted`: the field stands between `"` and ends at the first unescaped `"`.
    case field(FieldKind, quoted: Bool)
}

/// Why a format string could not be compiled.
public struct FormatError: Error, Equatable, Sendable, CustomStringConvertible {
    public var format: String
    public var message: String
    public var description: String { "log format \"\(format)\": \(message)" }
}

/// A log format compiled once into the sequence of literals and fields that `LineParser` walks.
public struct LogFormat: Sendable, Hashable {
    /// The preset's name, or `custom`.
    public let name: String
    /// The format as written (Apache `LogFormat` or nginx `log_format` syntax).
    public let source: String
    public let elements: [FormatElement]

    /// How the lines are laid out: fields in a fixed order (`elements`), a JSON object, or W3C columns.
    public let syntax: LineSyntax

    /// The number of fields, which `auto` prefers more of.
    public var fieldCount: Int {
        switch syntax {
        case let .json(map): return map.keys.values.filter { !$0.isEmpty }.count
        case .w3c: return 14
        case .text: break
        }
        return elements.reduce(trailing == nil ? 0 : 1) { count, element in
            if case .field = element { return count + 1 }
            return count
        }
    }

    public func has(_ kind: FieldKind) -> Bool {
        elements.contains { if case .field(kind, _) = $0 { return true }; return false }
    }

    /// Whether the format carries a user agent (bots are recognised by it).
    public var hasUserAgent: Bool {
        switch syntax {
        case let .json(map): return map.reads(.userAgent)
        case .w3c: return true
        case .text: return has(.userAgent)
        }
    }

    /// Whether lines starting with `#` are directives (`#Fields:`), not log lines.
    public var readsDirectives: Bool {
        if case .w3c = syntax { return true }
        return false
    }

    /// A field the line ends with, after the format's fields and any others: `combined+time`'s
    /// `$request_time`, Traefik's duration.
    public let trailing: TrailingField?
    /// Each field as the format names it (`%t`, `$request_time`), for messages.
    public let labels: [String]

    init(name: String, source: String, elements: [FormatElement], trailing: TrailingField? = nil, labels: [String]? = nil,
         syntax: LineSyntax = .text) {
        self.name = name
        self.source = source
        self.elements = elements
        self.syntax = syntax
        self.trailing = trailing
        self.labels = labels ?? elements.compactMap { element in
            if case let .field(kind, _) = element { return kind.label }
            return nil
        }
    }

    // MARK: Presets

    public static let common = preset(apache: #"%h %l %u %t "%r" %>s %b"#, name: "common")
    public static let combined = preset(
        apache: #"%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i""#, name: "combined")
    public static let combinedTimed = preset(
        apache: #"%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i" %D"#, name: "combined-timed")
    /// nginx's `combined` plus `$request_time`. nginx writes the ident field as a literal `-`;
    /// it is read as a field here, as in `combined`, so the preset has combined's fields plus one.
    public static let nginxTimed = LogFormat(
        name: "nginx-timed",
        source: #"$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_time"#,
        elements: combined.elements + [.literal([ASCII.space]), .field(.requestTime, quoted: false)])

    /// Compiles a built-in format string; the tests compile every preset, so failing is a bug here.
    private static func preset(apache: String? = nil, nginx: String? = nil, name: String) -> LogFormat {
        do {
            if let apache { return try LogFormat.apache(apache, name: name) }
            return try LogFormat.nginx(nginx ?? "", name: name)
        } catch {
            preconditionFailure("built-in format \(name) does not compile: \(error)")
        }
    }

    /// `combined` followed by more fields, the last of `$request_time`'s shape (digits, `.`,
    /// three digits): that last field is the response time in seconds. What a custom nginx
    /// format adding fields before `$request_time` writes.
    public static let combinedPlusTime = LogFormat(
        name: "combined+time", source: #"%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i" … $request_time"#,
        elements: combined.elements, trailing: .requestTime)

    /// Apache's `vhost_combined` (Debian's `other_vhosts_access.log`): the virtual host and port first.
    public static let vcombined = preset(apache: #"%v:%p %h %l %u %t "%r" %>s %O "%{Referer}i" "%{User-Agent}i""#, name: "vcombined")

    /// The Kubernetes ingress-nginx controller's `upstreaminfo` format.
    public static let ingressNginx = preset(
        nginx: #"$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_length $request_time [$proxy_upstream_name] [$proxy_alternative_upstream_name] $upstream_addr $upstream_response_length $upstream_response_time $upstream_status $req_id"#,
        name: "ingress-nginx")

    /// Traefik's access log in its default common format: combined, then the request count,
    /// the router, the service URL and the duration in milliseconds (`183ms`). The router and
    /// the service are quoted, or a bare `-` in some versions: the duration is read as the
    /// line's last field.
    public static let traefik = LogFormat(
        name: "traefik",
        source: #"<client> - <user> [<time>] "<request>" <status> <size> "<referrer>" "<agent>" <count> "<router>" "<service URL>" <duration>ms"#,
        elements: combined.elements + [.literal([ASCII.space]), .field(.opaque, quoted: false)],
        trailing: .suffixedMilliseconds)

    /// AWS Application Load Balancer access logs: space-separated, UTC times with microseconds,
    /// the client as `address:port`, three processing times in seconds (added up; -1 when the
    /// request never reached a target), the request with an absolute URL, the user agent; no
    /// referrer.
    public static let alb: LogFormat = {
        let space: FormatElement = .literal([ASCII.space])
        var elements: [FormatElement] = [
            .field(.opaque, quoted: false), space, .field(.timeISO8601, quoted: false), space, .field(.opaque, quoted: false), space,
            .field(.clientAddressWithPort, quoted: false), space, .field(.opaque, quoted: false), space,
        ]
        elements += [.field(.processingSeconds, quoted: false), space, .field(.processingSeconds, quoted: false), space,
                     .field(.processingSeconds, quoted: false), space]
        elements += [.field(.status, quoted: false), space, .field(.opaque, quoted: false), space, .field(.opaque, quoted: false), space,
                     .field(.bytes, quoted: false), .literal(Array(#" ""#.utf8)), .field(.request, quoted: true),
                     .literal(Array(#"" ""#.utf8)), .field(.userAgent, quoted: true), .literal([ASCII.quote])]
        let labels = ["type", "time", "elb", "client:port", "target:port", "request_processing_time", "target_processing_time",
                      "response_processing_time", "elb_status_code", "target_status_code", "received_bytes", "sent_bytes",
                      "request", "user_agent"]
        return LogFormat(name: "alb", source: "type time elb client:port target:port request_processing_time target_processing_time response_processing_time elb_status_code target_status_code received_bytes sent_bytes \"request\" \"user_agent\" …",
                         elements: elements, labels: labels)
    }()

    /// Caddy's JSON access log.
    public static let caddy = LogFormat(name: "caddy", source: "JSON: " + JSONFieldMap.caddy.summary, elements: [],
                                        syntax: .json(.caddy))

    /// One JSON object a line, read through `map` (the `json:` configuration; by default the
    /// names of nginx's variables).
    public static func json(_ map: JSONFieldMap = .nginx) -> LogFormat {
        LogFormat(name: "json", source: "JSON: " + map.summary, elements: [], syntax: .json(map))
    }

    /// AWS CloudFront standard logs: W3C columns, tab-separated.
    public static let cloudfront = LogFormat(name: "cloudfront", source: "#Fields: date time … (tab-separated; time-taken in seconds)",
                                             elements: [], syntax: .w3c(.cloudfront))

    /// W3C extended logs as IIS writes them: space-separated columns named by `#Fields:`.
    public static let w3c = LogFormat(name: "w3c", source: "#Fields: date time … (space-separated; time-taken in milliseconds)",
                                      elements: [], syntax: .w3c(.w3c))

    /// The presets in the order `auto` breaks ties by.
    public static let presets: [LogFormat] = presets(json: .nginx)

    /// The presets, `json` reading through `map`.
    public static func presets(json map: JSONFieldMap) -> [LogFormat] {
        [common, combined, combinedTimed, nginxTimed, combinedPlusTime, vcombined, ingressNginx, traefik, caddy, json(map), alb, cloudfront, w3c]
    }

    /// An example line of each preset, for `uxchurn formats`.
    public static let presetExamples: [String: String] = [
        "common": #"203.0.113.9 - - [02/Mar/2026:10:00:00 -0500] "GET /p/42-hat HTTP/1.1" 200 5120"#,
        "combined": #"203.0.113.9 - - [02/Mar/2026:10:00:00 -0500] "GET /p/42-hat HTTP/1.1" 200 5120 "https://www.google.com/" "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) Mobile/15E148""#,
        "combined-timed": #"203.0.113.9 - - [02/Mar/2026:10:00:00 -0500] "GET /p/42-hat HTTP/1.1" 200 5120 "https://www.google.com/" "Mozilla/5.0 (X11; Linux x86_64) Firefox/132.0" 183412"#,
        "nginx-timed": #"203.0.113.9 - - [02/Mar/2026:10:00:00 -0500] "GET /p/42-hat HTTP/1.1" 200 5120 "https://www.google.com/" "Mozilla/5.0 (X11; Linux x86_64) Firefox/132.0" 0.183"#,
        "combined+time": #"203.0.113.9 - - [02/Mar/2026:10:00:00 -0500] "GET /p/42-hat HTTP/1.1" 200 5120 "https://www.google.com/" "Mozilla/5.0 (X11; Linux x86_64) Firefox/132.0" "198.51.100.4" "req-7f3a" 0.183"#,
        "vcombined": #"shop.example:443 203.0.113.9 - - [02/Mar/2026:10:00:00 -0500] "GET /p/42-hat HTTP/1.1" 200 5120 "https://www.google.com/" "Mozilla/5.0 (X11; Linux x86_64) Firefox/132.0""#,
        "ingress-nginx": #"203.0.113.9 - - [02/Mar/2026:10:00:00 -0500] "GET /p/42-hat HTTP/1.1" 200 5120 "https://www.google.com/" "Mozilla/5.0 (X11; Linux x86_64) Firefox/132.0" 412 0.183 [shop-web-80] [] 10.244.1.17:8080 5120 0.182 200 5c4f1a0e9b2d7c36a1e8f0b4d2c6a9e1"#,
        "alb": #"https 2026-03-02T15:00:00.183412Z app/shop-alb/50dc6c495c0c9188 203.0.113.9:51524 10.0.3.11:8080 0.001 0.181 0.001 200 200 412 5120 "GET https://shop.example:443/p/42-hat HTTP/1.1" "Mozilla/5.0 (X11; Linux x86_64) Firefox/132.0" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/shop/73e2d6bc24d8a067 "Root=1-65e3a1b0-36d228ad5d99923122bbe354" "shop.example" "arn:aws:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-123456789012" 0 2026-03-02T15:00:00.002000Z "forward" "-" "-" "10.0.3.11:8080" "200" "-" "-""#,
        "caddy": #"{"level":"info","ts":1772463600.1834,"logger":"http.log.access","msg":"handled request","request":{"remote_ip":"203.0.113.9","remote_port":"51524","client_ip":"203.0.113.9","proto":"HTTP/2.0","method":"GET","host":"shop.example","uri":"/p/42-hat","headers":{"User-Agent":["Mozilla/5.0 (X11; Linux x86_64) Firefox/132.0"],"Referer":["https://www.google.com/"]}},"bytes_read":0,"user_id":"","duration":0.183412,"size":5120,"status":200,"resp_headers":{"Content-Type":["text/html; charset=utf-8"]}}"#,
        "json": #"{"time_local":"02/Mar/2026:10:00:00 -0500","remote_addr":"203.0.113.9","remote_user":"","request":"GET /p/42-hat HTTP/1.1","status":"200","body_bytes_sent":"5120","request_time":"0.183","http_referer":"https://www.google.com/","http_user_agent":"Mozilla/5.0 (X11; Linux x86_64) Firefox/132.0"}"#,
        "cloudfront": "#Fields: date time x-edge-location sc-bytes c-ip cs-method cs(Host) cs-uri-stem sc-status cs(Referer) cs(User-Agent) cs-uri-query cs(Cookie) x-edge-result-type x-edge-request-id x-host-header cs-protocol cs-bytes time-taken\n"
            + "2026-03-02\t15:00:00\tFRA56-P1\t5120\t203.0.113.9\tGET\td111111abcdef8.cloudfront.net\t/p/42-hat\t200\thttps://www.google.com/\tMozilla/5.0%20(X11;%20Linux%20x86_64)%20Firefox/132.0\t-\t-\tMiss\tSOX4xwn4XV6Q4rgb7XiVGOHms_BGlTAC4KyHmureZmBNrjGdRLiNIQ==\tshop.example\thttps\t412\t0.183",
        "w3c": "#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken\n"
            + "2026-03-02 15:00:00 10.0.3.11 GET /p/42-hat - 443 - 203.0.113.9 Mozilla/5.0+(X11;+Linux+x86_64)+Firefox/132.0 https://www.google.com/ 200 0 0 183",
        "traefik": #"203.0.113.9 - - [02/Mar/2026:10:00:00 -0500] "GET /p/42-hat HTTP/1.1" 200 5120 "https://www.google.com/" "Mozilla/5.0 (X11; Linux x86_64) Firefox/132.0" 12 "shop@kubernetes" "http://10.244.1.17:8080" 183ms"#,
    ]

    /// A preset by name, or a format string: Apache when it has `%`, nginx when it has `$`.
    ///
    /// - Returns: nil for `auto`.
    /// - Throws: `FormatError` for an unknown name or a string that compiles to no fields.
    public static func named(_ text: String, json map: JSONFieldMap = .nginx) throws(FormatError) -> LogFormat? {
        if text == "auto" { return nil }
        if let preset = presets(json: map).first(where: { $0.name == text }) { return preset }
        if text.contains("%") { return try apache(text, name: "custom") }
        if text.contains("$") { return try nginx(text, name: "custom") }
        let names = ["auto"] + presets.map(\.name)
        let guess = Spelling.closest(to: text, among: names).map { "did you mean '\($0)'? " } ?? ""
        throw FormatError(
            format: text,
            message: "\(guess)not a preset (\(names.joined(separator: ", "))) and not a format string with % or $ fields")
    }

    // MARK: Apache LogFormat

    /// Compiles an Apache `LogFormat` string (`\"` in it is read as `"`).
    public static func apache(_ format: String, name: String = "custom") throws(FormatError) -> LogFormat {
        var builder = ElementBuilder()
        let bytes = Array(format.utf8)
        var i = 0
        while i < bytes.count {
            let byte = bytes[i]
            if byte == ASCII.backslash, i + 1 < bytes.count {
                let next = bytes[i + 1]
                builder.literal(next == 0x74 ? ASCII.tab : next == 0x6E ? ASCII.newline : next)  // \t \n
                i += 2
                continue
            }
            guard byte == ASCII.percent else {
                builder.literal(byte)
                i += 1
                continue
            }
            i += 1
            guard i < bytes.count else { throw FormatError(format: format, message: "ends with a lone %") }
            if bytes[i] == ASCII.percent {
                builder.literal(ASCII.percent)
                i += 1
                continue
            }
            // Modifiers: `<`, `>`, status lists like `!200,304`.
            while i < bytes.count, bytes[i] == 0x3C || bytes[i] == 0x3E || bytes[i] == 0x21
                    || ASCII.isDigit(bytes[i]) || bytes[i] == ASCII.comma {
                i += 1
            }
            var argument: String?
            if i < bytes.count, bytes[i] == ASCII.leftBrace {
                guard let close = bytes[i...].firstIndex(of: ASCII.rightBrace) else {
                    throw FormatError(format: format, message: "a %{ has no closing }")
                }
                argument = String(decoding: bytes[(i + 1)..<close], as: UTF8.self)
                i = close + 1
            }
            guard i < bytes.count else { throw FormatError(format: format, message: "ends inside a % directive") }
            let directive = bytes[i]
            i += 1
            builder.label = "%" + (argument.map { "{\($0)}" } ?? "") + String(decoding: [directive], as: UTF8.self)
            switch (directive, argument?.lowercased()) {
            case (0x68, _), (0x61, _): builder.field(.clientAddress)        // h a
            case (0x75, _): builder.field(.remoteUser)                       // u
            case (0x74, nil):                                                // t
                builder.literal(ASCII.leftBracket)
                builder.field(.timeLocal)
                builder.literal(ASCII.rightBracket)
            case (0x74, let time?):                                          // %{FORMAT}t
                var pattern = Substring(argument ?? time)
                for prefix in ["begin:", "end:"] where pattern.hasPrefix(prefix) { pattern = pattern.dropFirst(prefix.count) }
                if ["sec", "msec", "usec", "msec_frac", "usec_frac"].contains(String(pattern)) {
                    builder.field(.opaque)
                } else {
                    do {
                        builder.field(.timeStrftime(try StrftimePattern(String(pattern), in: format)))
                    } catch {
                        // Another time field may be the line's time; said if none is.
                        builder.field(.opaque)
                        builder.timeFailure = builder.timeFailure ?? error
                    }
                }
            case (0x72, _): builder.field(.request)                          // r
            case (0x73, _): builder.field(.status)                           // s
            case (0x62, _), (0x42, _): builder.field(.bytes)                 // b B
            case (0x44, _), (0x54, "us"): builder.field(.durationMicroseconds)  // D, %{us}T
            case (0x54, "ms"): builder.field(.durationMilliseconds)         // %{ms}T
            case (0x54, nil), (0x54, "s"): builder.field(.durationSeconds)   // T
            case (0x4F, _), (0x49, _): builder.field(.bytes)                 // O I (mod_logio)
            case (0x69, "referer"), (0x69, "referrer"): builder.field(.referrer)
            case (0x69, "user-agent"): builder.field(.userAgent)
            case (0x43, _): builder.field(argument.map { .cookie($0) } ?? .opaque)  // C
            case (0x6D, _): builder.field(.method)                           // m
            case (0x55, _): builder.field(.urlPath)                          // U
            case (0x71, _): builder.field(.query)                            // q
            case (0x48, _): builder.field(.protocolVersion)                  // H
            case (0x76, _), (0x56, _): builder.field(.host)                  // v V
            default: builder.field(.opaque)
            }
        }
        return try builder.finish(format: format, name: name)
    }

    // MARK: nginx log_format

    /// Compiles an nginx `log_format` string (`$name` or `${name}` variables).
    public static func nginx(_ format: String, name: String = "custom") throws(FormatError) -> LogFormat {
        var builder = ElementBuilder()
        let bytes = Array(format.utf8)
        var i = 0
        func isNameByte(_ b: UInt8) -> Bool {
            ASCII.isDigit(b) || ASCII.isUpper(b) || (b >= ASCII.lowerA && b <= ASCII.lowerZ) || b == 0x5F
        }
        while i < bytes.count {
            let byte = bytes[i]
            guard byte == ASCII.dollar else {
                builder.literal(byte)
                i += 1
                continue
            }
            i += 1
            var variable: String
            if i < bytes.count, bytes[i] == ASCII.leftBrace {
                guard let close = bytes[i...].firstIndex(of: ASCII.rightBrace) else {
                    throw FormatError(format: format, message: "a ${ has no closing }")
                }
                variable = String(decoding: bytes[(i + 1)..<close], as: UTF8.self)
                i = close + 1
            } else {
                let start = i
                while i < bytes.count, isNameByte(bytes[i]) { i += 1 }
                variable = String(decoding: bytes[start..<i], as: UTF8.self)
            }
            guard !variable.isEmpty else { throw FormatError(format: format, message: "a $ is not followed by a variable name") }
            variable = variable.lowercased()
            builder.label = "$" + variable
            switch variable {
            case "remote_addr", "realip_remote_addr", "binary_remote_addr": builder.field(.clientAddress)
            case "remote_user": builder.field(.remoteUser)
            case "time_local": builder.field(.timeLocal)
            case "time_iso8601": builder.field(.timeISO8601)
            case "request": builder.field(.request)
            case "request_method": builder.field(.method)
            case "uri", "document_uri": builder.field(.urlPath)
            case "args", "query_string": builder.field(.query)
            case "request_uri": builder.field(.requestURI)
            case "server_protocol": builder.field(.protocolVersion)
            case "status": builder.field(.status)
            case "body_bytes_sent", "bytes_sent": builder.field(.bytes)
            case "http_referer": builder.field(.referrer)
            case "http_user_agent": builder.field(.userAgent)
            case "request_time": builder.field(.requestTime)
            case "upstream_response_time": builder.field(.upstreamTime)
            case "host", "server_name", "http_host": builder.field(.host)
            default:
                if variable.hasPrefix("cookie_") {
                    builder.field(.cookie(String(variable.dropFirst("cookie_".count))))
                } else {
                    builder.field(.opaque)
                }
            }
        }
        return try builder.finish(format: format, name: name)
    }
}

/// Collects literals and fields, merging adjacent literal bytes and marking quoted fields.
private struct ElementBuilder {
    var elements: [FormatElement] = []
    var pendingLiteral: [UInt8] = []
    /// Why a `%{FORMAT}t` could not be a time field.
    var timeFailure: FormatError?
    /// The directive being compiled, as written; each field's, for messages.
    var label = ""
    var labels: [String] = []

    mutating func literal(_ byte: UInt8) { pendingLiteral.append(byte) }

    mutating func field(_ kind: FieldKind) {
        if pendingLiteral.isEmpty, kind == .query, case .field(.urlPath, let quoted)? = elements.last {
            // `%U%q`: the path and its query string, written together.
            elements[elements.count - 1] = .field(.requestURI, quoted: quoted)
            labels[labels.count - 1] += label
            return
        }
        flushLiteral()
        elements.append(.field(kind, quoted: false))
        labels.append(label)
    }

    mutating func flushLiteral() {
        if !pendingLiteral.isEmpty {
            elements.append(.literal(pendingLiteral))
            pendingLiteral = []
        }
    }

    mutating func finish(format: String, name: String) throws(FormatError) -> LogFormat {
        flushLiteral()
        guard elements.contains(where: { if case .field = $0 { return true }; return false }) else {
            throw FormatError(format: format, message: "has no fields")
        }
        // A field is quoted when the text before it ends with `"` and the text after starts with one.
        for index in elements.indices {
            guard case let .field(kind, _) = elements[index] else { continue }
            let before: Bool
            if index > 0, case let .literal(text) = elements[index - 1] { before = text.last == ASCII.quote } else { before = false }
            let after: Bool
            if index + 1 < elements.count, case let .literal(text) = elements[index + 1] { after = text.first == ASCII.quote } else { after = false }
            if before && after { elements[index] = .field(kind, quoted: true) }
        }
        for index in elements.indices.dropFirst() {
            if case .field = elements[index], case .field = elements[index - 1] {
                throw FormatError(format: format, message: "two fields with nothing between them cannot be told apart")
            }
        }
        let hasTime = elements.contains { element in
            if case .field(.timeLocal, _) = element { return true }
            if case .field(.timeISO8601, _) = element { return true }
            if case .field(.timeStrftime, _) = element { return true }
            return false
        }
        guard hasTime else {
            if let timeFailure { throw timeFailure }
            throw FormatError(format: format, message: "has no time field (%t, %{FORMAT}t, $time_local or $time_iso8601)")
        }
        return LogFormat(name: name, source: format, elements: elements, labels: labels)
    }
}

extension FieldKind {
    /// How messages name a field of a format built without a format string.
    var label: String {
        switch self {
        case .clientAddress: return "%h"
        case .remoteUser: return "%u"
        case .timeLocal: return "%t"
        case .timeISO8601: return "$time_iso8601"
        case .timeStrftime: return "%{…}t"
        case .request: return "%r"
        case .method: return "%m"
        case .urlPath: return "%U"
        case .query: return "%q"
        case .requestURI: return "$request_uri"
        case .protocolVersion: return "%H"
        case .status: return "%>s"
        case .bytes: return "%b"
        case .referrer: return "%{Referer}i"
        case .userAgent: return "%{User-Agent}i"
        case let .cookie(name): return "%{\(name)}C"
        case .host: return "%v"
        case .durationMicroseconds: return "%D"
        case .durationMilliseconds: return "%{ms}T"
        case .durationSeconds: return "%T"
        case .durationSuffixedMilliseconds: return "duration (183ms)"
        case .clientAddressWithPort: return "client:port"
        case .processingSeconds: return "processing time"
        case .requestTime: return "$request_time"
        case .upstreamTime: return "$upstream_response_time"
        case .opaque: return "a field"
        }
    }
}
