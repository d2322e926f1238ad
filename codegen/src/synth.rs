//! A synthetic OpenAPI 3.0 spec of any number of operations, shaped like the APIs this
//! project wraps, for measuring the generator at scale (`cargo xtask synth`).
//!
//! Each operation is a `PUT` of one resource kind, with two path parameters (one a UUID, one
//! length-bounded), a nested JSON body holding an enum, an object and an array of objects with
//! an enum of their own, and a JSON answer; every operation shares one error body. That is
//! seven types per operation. Operations are tagged in groups of [`OPERATIONS_PER_TAG`], as
//! vendors group theirs, and answer errors with two error responses; a [`Shape`] can leave
//! the tags out (every operation in one module, as in the many specs without tags) and keep
//! one error response.

use std::fmt::Write;

/// How many operations share a tag.
pub const OPERATIONS_PER_TAG: usize = 10;

/// The named types each operation adds.
pub const TYPES_PER_OPERATION: usize = 7;

/// How a synthetic spec is laid out beyond its size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    /// Whether operations are tagged in groups (each group a file of its own) or untagged.
    pub tagged: bool,
    /// Whether each operation has two error responses (`404` and `default`) or one (`404`).
    pub two_error_responses: bool,
}

impl Default for Shape {
    fn default() -> Self {
        Self { tagged: true, two_error_responses: true }
    }
}

/// The spec's YAML text, with `operations` operations; the same count gives the same bytes.
pub fn spec(operations: usize) -> String {
    spec_shaped(operations, Shape::default())
}

/// The spec's YAML text, with `operations` operations laid out as `shape` says.
pub fn spec_shaped(operations: usize, shape: Shape) -> String {
    let mut out = String::with_capacity(1_400 + operations * 3_000);
    out.push_str(HEADER);
    if shape.tagged {
        out.push_str("tags:\n");
        for tag in 0..operations.div_ceil(OPERATIONS_PER_TAG) {
            let _ = writeln!(out, "  - name: Group {tag}\n    description: The resources of group {tag}.");
        }
    }
    out.push_str("paths:\n");
    for n in 0..operations {
        path_item(&mut out, n, shape);
    }
    out.push_str(COMPONENTS);
    for n in 0..operations {
        schemas(&mut out, n);
    }
    out
}

const HEADER: &str = "openapi: 3.0.3
info:
  title: Synthetic API
  version: 1.0.0
  description: A generated spec for measuring the generator at scale.
servers:
  - url: https://api.example.com
security:
  - bearer_auth: []
";

const COMPONENTS: &str = "components:
  securitySchemes:
    bearer_auth:
      type: http
      scheme: bearer
  schemas:
    Error:
      type: object
      description: The body of every error response.
      required: [code, message]
      properties:
        code:
          type: string
          description: A machine-readable error code.
          example: not_found
        message:
          type: string
          description: What went wrong, for people.
        request_id:
          type: string
          description: The request's id, for support.
";

fn path_item(out: &mut String, n: usize, shape: Shape) {
    let tag = n / OPERATIONS_PER_TAG;
    let tags = if shape.tagged { format!("\n      tags: [Group {tag}]") } else { String::new() };
    let other_failures = if shape.two_error_responses {
        "
        default:
          description: Any other failure.
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/Error'"
    } else {
        ""
    };
    let _ = write!(
        out,
        "  /v1/projects/{{project_id}}/resources{n}/{{resource_id}}:
    put:
      operationId: updateResource{n}{tags}
      summary: Update a resource of kind {n}
      description: Replaces the settings and rules of one resource of kind {n}.
      parameters:
        - name: project_id
          in: path
          required: true
          description: The project's id.
          schema:
            type: string
            format: uuid
        - name: resource_id
          in: path
          required: true
          description: The resource's name.
          schema:
            type: string
            minLength: 1
            maxLength: 63
      requestBody:
        required: true
        content:
          application/json:
            schema:
              $ref: '#/components/schemas/Resource{n}Update'
      responses:
        '200':
          description: The resource as it now is.
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/Resource{n}'
        '404':
          description: No such resource.
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/Error'{other_failures}
"
    );
}

fn schemas(out: &mut String, n: usize) {
    let _ = write!(
        out,
        "    Resource{n}:
      type: object
      description: A resource of kind {n}.
      required: [id, name]
      properties:
        id:
          type: string
          format: uuid
          readOnly: true
        name:
          type: string
          maxLength: 63
          example: primary
        settings:
          $ref: '#/components/schemas/Resource{n}Settings'
        rules:
          type: array
          items:
            $ref: '#/components/schemas/Resource{n}Rule'
        created_at:
          type: string
          format: date-time
          readOnly: true
    Resource{n}Update:
      type: object
      description: The new state of a resource of kind {n}.
      required: [settings]
      properties:
        name:
          type: string
          minLength: 1
          maxLength: 63
        settings:
          $ref: '#/components/schemas/Resource{n}Settings'
        rules:
          type: array
          maxItems: 100
          items:
            $ref: '#/components/schemas/Resource{n}Rule'
    Resource{n}Settings:
      type: object
      description: How a resource of kind {n} behaves.
      properties:
        mode:
          $ref: '#/components/schemas/Resource{n}Mode'
        limits:
          $ref: '#/components/schemas/Resource{n}Limits'
        replicated:
          type: boolean
          default: false
    Resource{n}Mode:
      type: string
      description: How the resource runs.
      enum: [standard, burst, paused]
    Resource{n}Limits:
      type: object
      description: The bounds of a resource of kind {n}.
      properties:
        max_connections:
          type: integer
          format: int32
          minimum: 1
          maximum: 10000
        memory_mib:
          type: integer
          format: int64
          minimum: 128
    Resource{n}Rule:
      type: object
      description: One access rule.
      required: [pattern, action]
      properties:
        pattern:
          type: string
          pattern: '^[a-z*][a-z0-9.*-]*$'
        action:
          $ref: '#/components/schemas/Resource{n}Action'
    Resource{n}Action:
      type: string
      description: What a rule allows.
      enum: [read, write, admin]
"
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_spec_generates_with_seven_types_per_operation_and_no_warning() {
        let source = crate::SpecSource { label: "specs/synthetic.yaml".to_owned(), text: spec(12), path: None };
        let tree = crate::render(&[source]).unwrap_or_else(|error| panic!("the synthetic spec generates: {error}"));
        assert_eq!(tree.operations, 12);
        assert_eq!(tree.types, 12 * TYPES_PER_OPERATION + 1);
        assert!(tree.warnings.is_empty(), "{:?}", tree.warnings);
        assert_eq!(spec(12), spec(12));
    }

    #[test]
    fn every_shape_generates_the_same_operations_and_no_warning() {
        for (tagged, two_error_responses) in [(false, true), (false, false), (true, false)] {
            let text = spec_shaped(12, Shape { tagged, two_error_responses });
            assert_eq!(text.contains("tags:"), tagged);
            assert_eq!(text.contains("Any other failure."), two_error_responses);
            let source = crate::SpecSource { label: "specs/synthetic.yaml".to_owned(), text, path: None };
            let tree = crate::render(&[source]).unwrap_or_else(|error| panic!("the synthetic spec generates: {error}"));
            assert_eq!((tree.operations, tree.types), (12, 12 * TYPES_PER_OPERATION + 1));
            assert!(tree.warnings.is_empty(), "{:?}", tree.warnings);
            let files = tree.files.keys().filter(|name| name.starts_with("src/synthetic/")).count();
            assert_eq!(files, if tagged { 5 } else { 3 }, "{:?}", tree.files.keys());
        }
    }
}
