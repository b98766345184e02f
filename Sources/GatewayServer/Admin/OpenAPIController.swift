import Hummingbird

/// `GET /v1/openapi.yaml`: the OpenAPI 3.1 document of the admin API. The document lives in
/// `OpenAPIDocument.swift` as a string literal rather than a SwiftPM resource, so it is compiled into
/// the one binary (a resource bundle would have to ship beside it, and `Bundle.module` traps when
/// the bundle is missing).
public struct OpenAPIController<Context: RequestContext>: Sendable {
    /// Creates the controller.
    public init() {}

    /// The document's text.
    public static var document: String { OpenAPIDocument.yaml }

    /// Registers the route.
    public func addRoutes(to routes: RouteTable<Context>) {
        routes.on(.get, "/v1/openapi.yaml", use: show)
    }

    /// Serves the document.
    @Sendable func show(_ request: Request, context: Context) async throws -> Response {
        _ = try QueryParameters(request, allowed: [])
        return Response(
            status: .ok, headers: [.contentType: "application/yaml; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: Self.document)))
    }
}
