//! `cargo xtask compare`: what it finds between two specs, and that the project's
//! DigitalOcean spec says nothing DigitalOcean's published spec does not, but for the
//! differences its allow-list names with a reason.

#![allow(clippy::expect_used)] // a failed step of a test is a failed test

use std::fs;

use codegen::compare::{Report, Side, allow_list, compare, files};
use codegen::find_workspace_root;
use codegen::load::Positions;

fn differences(ours: &str, theirs: &str) -> Vec<String> {
    let (ours_document, theirs_document) = (serde_yaml::from_str(ours).expect("YAML"), serde_yaml::from_str(theirs).expect("YAML"));
    let (ours_positions, theirs_positions) = (Positions::of(ours), Positions::of(theirs));
    let ours = Side { label: "ours.yaml", document: &ours_document, positions: &ours_positions };
    let theirs = Side { label: "theirs.yaml", document: &theirs_document, positions: &theirs_positions };
    compare(&ours, &theirs).iter().map(ToString::to_string).collect()
}

const THEIRS: &str = r##"
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /users/{name}:
    put:
      operationId: put_user
      parameters:
        - {name: name, in: path, required: true, schema: {type: string, maxLength: 63}}
        - {name: dry_run, in: query, schema: {type: boolean}}
      requestBody:
        required: true
        content:
          application/json:
            schema:
              allOf:
                - $ref: "#/components/schemas/user"
                - properties: {note: {type: string}}
      responses:
        "201":
          description: ok
          content: {application/json: {schema: {$ref: "#/components/schemas/user"}}}
        "404": {description: gone}
components:
  schemas:
    user:
      type: object
      required: [name]
      properties:
        name: {type: string}
        role: {type: string, enum: [admin, normal], readOnly: true}
        tags: {type: array, items: {type: string, format: uuid}}
"##;

#[test]
fn the_same_api_written_another_way_compares_equal() {
    let ours = r##"
openapi: 3.0.3
info: {title: mine, version: "2", description: in our own words}
paths:
  /users/{name}:
    parameters:
      - $ref: "#/components/parameters/name"
    put:
      operationId: put_user
      description: other words
      parameters:
        - {name: dry_run, in: query, description: words, schema: {type: boolean}}
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [name]
              properties:
                name: {type: string, description: own words}
                role: {type: string, enum: [normal, admin], readOnly: true, x-secret: true}
                tags: {type: array, items: {type: string, format: uuid}}
                note: {type: string}
      responses:
        "201":
          description: other words
          content: {application/json: {schema: {$ref: "#/components/schemas/user"}}}
        "404": {description: not found}
components:
  parameters:
    name: {name: name, in: path, required: true, schema: {type: string, maxLength: 63}}
  schemas:
    user:
      required: [name]
      properties:
        name: {type: string}
        role: {type: string, enum: [admin, normal], readOnly: true}
        tags: {type: array, items: {type: string, format: uuid}}
"##;
    assert_eq!(differences(ours, THEIRS), Vec::<String>::new());
}

#[test]
fn each_kind_of_difference_is_named_with_its_places() {
    let ours = THEIRS
        .replace("maxLength: 63", "maxLength: 64")
        .replace(
            "{name: dry_run, in: query, schema: {type: boolean}}",
            "{name: dry_run, in: query, required: true, schema: {type: boolean}}",
        )
        .replace("enum: [admin, normal]", "enum: [admin]")
        .replace("format: uuid", "format: email")
        .replace("required: [name]", "required: [name, role]")
        .replace("\"404\": {description: gone}", "\"409\": {description: conflict}")
        .replace("note: {type: string}", "note: {type: integer}");
    let found = differences(&ours, THEIRS);
    let expected = [
        "put_user: parameters.path.name: maxLength differs: 64 (ours.yaml:9:",
        "put_user: parameters.query.dry_run: required differs: true (ours.yaml:10:",
        "put_user: request.note: type differs: integer (ours.yaml:",
        "put_user: request.role: enum differs: [admin] (ours.yaml:",
        "put_user: request.tags[]: format differs: email (ours.yaml:",
        "put_user: request: required differs: [name, role] (ours.yaml:",
        "put_user: responses.404: present differs: no (ours.yaml: absent) vs yes (theirs.yaml:",
        "put_user: responses.409: present differs: yes (ours.yaml:",
    ];
    for start in expected {
        assert!(found.iter().any(|line| line.starts_with(start)), "missing `{start}` in:\n{}", found.join("\n"));
    }
}

#[test]
fn the_digitalocean_spec_is_digitalocean_s_but_for_what_its_allow_list_says() {
    let root = find_workspace_root(&std::env::current_dir().expect("a current folder")).expect("the workspace");
    let vendor = root.join("../shared/vendor-specs/digitalocean-public.yaml");
    if !vendor.is_file() {
        assert!(std::env::var_os("DBAAS_VENDOR_SPECS_REQUIRED").is_none(), "{} is required", vendor.display());
        println!("{} is not here: nothing to compare", vendor.display());
        return;
    }
    let comparison = files(&root.join("specs/digitalocean.yaml"), &vendor).expect("both specs read");
    assert_eq!(comparison.operations, 6, "the six operations of the database-user resource");
    let allowed = allow_list(&fs::read_to_string(root.join("specs/digitalocean.compare-allowed.txt")).expect("the allow-list"));
    let report = Report::new(&comparison, &allowed);
    assert!(report.is_clean(), "{report}");
}
