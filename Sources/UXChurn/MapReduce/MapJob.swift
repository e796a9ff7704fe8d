import Analysis
import JSON
import LogInput
import LogParsing
import Sessions

/// `uxchurn map`: the map step of Spark or Hadoop Streaming. Reads log lines (standard input,
/// or the inputs named), parses and classifies them as `report` does, and writes one
/// `HitRecord` line per hit, then the input counts as an `#input` side record.
public enum MapJob {
    /// - Parameters:
    ///   - rankOffset: the first input's place in the reading order of the whole job (`--rank`),
    ///     so ties in time between files of one visitor break as in one run.
    ///   - name: the name the one input goes by in the report (`--name`), when the map reads it
    ///     under another path (a worker's) or from standard input.
    ///   - descriptor: where the lines go (the executable passes standard output).
    ///   - part: with one input that is a byte range of a file (a driver's split), its place among
    ///     the file's ranges: hits order after those of earlier ranges, and the side record says
    ///     which part it counts, so merge numbers its lines after theirs.
    public static func run(_ options: RunOptions, rankOffset: Int, name: String? = nil, part: Int? = nil,
                           to descriptor: Int32) throws(RunError) {
        let configuration = try options.loadConfiguration()
        var inputs = try Pipeline.resolveInputs(options.inputs.isEmpty ? ["-"] : options.inputs)
        if let name {
            guard inputs.count == 1 else { throw .configuration("--name names one input; \(inputs.count) given") }
            inputs = [LogInputFile(name: name, location: inputs[0].location)]
        }
        if part != nil, inputs.count != 1 { throw .configuration("--part is a part of one input; \(inputs.count) given") }
        let output = MapOutput(rankOffset: rankOffset, families: configuration.isBuiltIn, descriptor: descriptor)
        // A part's lines order after every line of the parts before it.
        output.lineBase = Int64(part ?? 0) << 32
        var stage = try configuration.hitStage(options, destination: .hits(output))
        let ingest = try Pipeline.parse(inputs, into: &stage, options: try configuration.ingestOptions(options),
                                        observer: options.observer)
        if let error = output.error { throw error }
        if part != nil, let record = ingest.records.first, (record.physicalLines ?? 0) >= 1 << 32 {
            // Its lines would run into the next part's in the order of hits.
            throw .input("\(record.file): a part of 2³² lines or more; cut the file in smaller parts")
        }
        let side = MapSideRecord(inputs: ingest.records.map { record in
            var shifted = record
            shifted.rank += rankOffset
            shifted.part = part
            return shifted
        }, hitsOutsideWindow: stage.hitsOutsideWindow)
        output.out.append(Array(HitRecord.inputRecordKey.utf8))
        output.out.append(9)
        output.out.append(Array(try side.json().utf8))
        output.out.append(10)
        try output.out.flush(force: true)
    }

    /// `uxchurn map --plan INPUT...`: the inputs in reading order, one per line,
    /// so a driver can give each its `--rank`.
    public static func plan(_ names: [String], format: String?) throws(RunError) -> [String] {
        let inputs = try Pipeline.resolveInputs(names)
        let forced: LogFormat?
        do {
            forced = try LogFormat.named(format ?? "auto")
        } catch {
            throw .configuration(error.description)
        }
        var probes: [InputProbe] = []
        for input in inputs {
            guard !input.readsOnce else { throw .configuration("--plan needs files, not standard input or a pipe") }
            do {
                probes.append(try InputProbe.probe(input, forced: forced))
            } catch {
                throw .input(error.description)
            }
        }
        return InputProbe.readingOrder(probes).map(\.input.name)
    }
}

/// The side record of one map: its inputs' line counts.
struct MapSideRecord: Codable {
    var inputs: [InputRecord]
    var hitsOutsideWindow: Int

    func json() throws(RunError) -> String {
        do {
            return try JSONValueEncoder().text(self)
        } catch {
            throw .input("the input counts did not encode: \(error)")
        }
    }
}

/// Where `uxchurn map` writes its hits, with the text of each value made once.
final class MapOutput: HitSink {
    let out: ByteOutput
    let rankOffset: Int
    /// Added to each hit's line (`--part`): a part's lines count from 1.
    var lineBase: Int64 = 0
    /// Whether hits carry their path family (runs without a configuration, for the advice).
    let families: Bool
    /// By visitor id: the hex key.
    var visitorKeys: [[UInt8]] = []
    /// By agent id: the device letter (0: not looked at yet).
    var devices: [UInt8] = []
    /// By referrer host id, by page group id, by path id: the escaped text.
    var hosts: [[UInt8]?] = []
    var groups: [[UInt8]?] = []
    var pathFamilies: [[UInt8]?] = []
    var methods: [[UInt8]?] = []
    /// The first write error; the run stops with it.
    var error: RunError?

    init(rankOffset: Int, families: Bool, descriptor: Int32) {
        out = ByteOutput(descriptor: descriptor)
        self.rankOffset = rankOffset
        self.families = families
    }
}

extension MapOutput {
    /// Writes one hit as a `HitRecord` line.
    func add(_ hit: Hit, key: VisitorKey, values: InternedValues, groups: PageGroups) {
        let output = self
        let visitor = Int(hit.visitor)
        if visitor == output.visitorKeys.count {
            output.visitorKeys.append(HitRecord.visitorKey(values.keyBytes(key)))
        }
        let out = output.out
        out.append(output.visitorKeys[visitor])
        out.append(9)
        out.append(decimal: hit.time)
        out.append(9)
        out.append(decimal: Int64(hit.offsetMinutes))
        out.append(9)
        out.append(decimal: Int64(hit.inputRank) + Int64(output.rankOffset))
        out.append(9)
        out.append(decimal: output.lineBase | hit.line)
        out.append(9)
        out.append(UInt8(ascii: hit.isPageView ? (hit.isProbe ? "P" : "p") : (hit.isProbe ? "A" : "a")))
        out.append(9)
        out.append(decimal: Int64(hit.status))
        out.append(9)
        out.append(decimal: hit.responseMicroseconds)
        out.append(9)
        out.append(hex: hit.matches)
        out.append(9)
        out.append(device(of: hit.agent, values))
        out.append(9)
        if hit.referrerHost >= 0 {
            out.append(cached(&output.hosts, Int(hit.referrerHost)) { values.hosts.string(of: hit.referrerHost) })
        }
        out.append(9)
        if hit.group >= 0 {
            out.append(cached(&output.groups, Int(hit.group)) { groups.names[Int(hit.group)] })
        }
        out.append(9)
        if output.families, hit.isPageView {
            out.append(cached(&output.pathFamilies, Int(hit.path)) { AdviceCollector.family(of: values.paths.string(of: hit.path)) })
        }
        out.append(9)
        out.append(hex: UInt64(hit.target))
        out.append(9)
        if !hit.isPageView, hit.method >= 0 {
            out.append(cached(&output.methods, Int(hit.method)) { values.methods.string(of: hit.method) })
        }
        out.append(10)
        if output.error == nil {
            do {
                try out.flush()
            } catch {
                output.error = error
                out.buffer.removeAll()
            }
        } else {
            out.buffer.removeAll()
        }
    }

    private func device(of agent: Int32, _ values: InternedValues) -> UInt8 {
        let output = self
        guard agent >= 0 else { return HitRecord.deviceCode(.desktop) }
        let index = Int(agent)
        if index >= output.devices.count { output.devices.append(contentsOf: repeatElement(0, count: index + 1 - output.devices.count)) }
        if output.devices[index] == 0 { output.devices[index] = HitRecord.deviceCode(Device(userAgent: values.agents.string(of: agent))) }
        return output.devices[index]
    }

    private func cached(_ table: inout [[UInt8]?], _ index: Int, _ text: () -> String) -> [UInt8] {
        if index >= table.count { table.append(contentsOf: repeatElement(nil, count: index + 1 - table.count)) }
        if let known = table[index] { return known }
        let bytes = HitRecord.escaped(text())
        table[index] = bytes
        return bytes
    }
}
