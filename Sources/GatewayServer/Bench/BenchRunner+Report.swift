import Foundation
import GatewayCore

extension BenchRunner {
    /// The report: one table of phases, then one line per other figure.
    static func report(title: String, options: Options, figures: Figures) -> String {
        let baseline = figures.baseline
        func row(_ name: String, _ result: LoadGenerator.Result, ratio: Bool = true) -> [String] {
            [
                name, String(format: "%.0f/s", result.throughput),
                ratio ? String(format: "%.2fx", result.throughput / max(baseline.throughput, 1)) : "1.00x",
                String(format: "%.2f", result.percentileMs(50)), String(format: "%.2f", result.percentileMs(90)),
                String(format: "%.2f", result.percentileMs(99)), String(format: "%.2f", result.percentileMs(99.9)),
                String(format: "%.2f", result.maxMs), "\(result.errors)",
            ]
        }
        var rows = [row(figures.baselineLabel, baseline, ratio: false)]
        if let unstored = figures.unstored { rows.append(row("verify+decode, no store", unstored)) }
        rows.append(row(figures.prefill == nil ? "ingest (verify+commit)" : "ingest, empty database", figures.ingest))
        if let prefill = figures.prefill {
            rows.append(row("baseline again, after the prefill", prefill.baseline))
            rows.append(row("ingest, \(prefill.result.events) events prefilled", prefill.ingest))
        }
        rows.append(row(String(format: "ingest at %.0f/s (half max)", figures.halfRate), figures.half))
        if let admin = figures.admin { rows.append(row("admin GET /v1/tasks/{id}", admin)) }
        let cores = ProcessInfo.processInfo.activeProcessorCount
        var lines = [
            "imm-gateway bench: \(RFC3339.format(Date())), \(cores) cores, \(options.requests) requests per phase, \(options.connections) connections, \(title)",
            "",
            TextTable.render(
                headers: [
                    "PHASE", "THROUGHPUT", "VS BASELINE", "P50 MS", "P90 MS", "P99 MS", "P99.9 MS", "MAX MS", "ERRORS",
                ],
                rows: rows),
            "",
        ]
        if let prefill = figures.prefill {
            let result = prefill.result
            let empty = figures.ingest.throughput / max(baseline.throughput, 1e-9)
            let prefilled = prefill.ingest.throughput / max(prefill.baseline.throughput, 1e-9)
            lines.append(
                String(
                    format: "prefill: %d events stored in %.1f s (%.0f/s), database %d MB",
                    result.events, result.seconds, Double(result.events) / max(result.seconds, 1e-9),
                    result.databaseBytes / 1_048_576))
            lines.append(
                String(
                    format:
                        "prefilled vs empty: %.2fx (target >= 0.90x): ingest %.2fx of the baseline just before it prefilled, %.2fx empty; raw throughput %.0f/s vs %.0f/s (%.2fx)",
                    prefilled / max(empty, 1e-9), prefilled, empty, prefill.ingest.throughput,
                    figures.ingest.throughput, prefill.ingest.throughput / max(figures.ingest.throughput, 1e-9)))
            if let cpu = figures.cpu {
                lines.append(
                    String(
                        format: "gateway CPU per push (us): %.0f prefilled vs %.0f empty (%.2fx)", prefill.cpu.gateway,
                        cpu.ingest.gateway, prefill.cpu.gateway / max(cpu.ingest.gateway, 1e-9)))
            }
            lines += [prefill.pageCache, prefill.busy].compactMap { $0 }
        }
        if let endToEnd = figures.endToEnd {
            lines.append(
                String(
                    format:
                        "end to end: %d of %d deliveries to the local sink in %.2f s since ingest began: %.0f deliveries/s",
                    endToEnd.delivered, options.requests, endToEnd.seconds,
                    Double(endToEnd.delivered) / max(endToEnd.seconds, 1e-9)))
        }
        if let drain = figures.drain {
            lines.append(
                String(
                    format: "fan-out alone: a backlog of %d deliveries drained in %.2f s: %.0f deliveries/s",
                    drain.deliveries, drain.seconds, Double(drain.deliveries) / max(drain.seconds, 1e-9)))
            if let cpu = drain.cpu, let baseline = figures.cpu?.baseline {
                lines.append(
                    String(
                        format:
                            "CPU per delivery, fan-out alone (us, gateway + loader's sink): %.0f + %.0f; gateway %.1fx a bare request's",
                        cpu.gateway, cpu.loader, cpu.gateway / max(baseline.gateway, 1e-9)))
            }
        }
        if let cpu = figures.cpu {
            let unstored = figures.unstoredCPU.map {
                String(
                    format: ", no store %.0f + %.0f (gateway %.1fx)", $0.gateway, $0.loader,
                    $0.gateway / max(cpu.baseline.gateway, 1e-9))
            }
            lines.append(
                String(
                    format:
                        "CPU per request (us, gateway + loader): baseline %.0f + %.0f%@, ingest %.0f + %.0f; gateway ingest/baseline %.1fx",
                    cpu.baseline.gateway, cpu.baseline.loader, unstored ?? "", cpu.ingest.gateway, cpu.ingest.loader,
                    cpu.ingest.gateway / max(cpu.baseline.gateway, 1e-9)))
        }
        if let commits = figures.halfCommits { lines.append(commits.summary(phase: "the half-max phase")) }
        if let memory = figures.memory {
            func megabytes(_ kib: Int?) -> String { kib.map { "\($0 / 1024) MB" } ?? "?" }
            lines.append(
                "gateway memory: idle RSS \(megabytes(memory.idle)) before load, RSS \(megabytes(memory.rss)) after, peak \(megabytes(memory.peak))"
            )
        }
        lines += figures.notes
        lines.append(
            "targets: ingest >= 0.50x baseline; p99 < 10 ms at half max; >= 5000 deliveries/s; peak RSS < 150 MB")
        return lines.joined(separator: "\n")
    }
}
