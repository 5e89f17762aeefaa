// openapi.yaml as data: its operations and documented (path, status) pairs, request paths matched to their
// templates, and JSON Schema validators (2020-12, as OpenAPI 3.1 uses) for the documented bodies.
'use strict';
const fs = require('node:fs');
const yaml = require('js-yaml');
const Ajv2020 = require('ajv/dist/2020');

const methods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch'];

class OpenApiDoc {
  constructor(file) {
    this.doc = yaml.load(fs.readFileSync(file, 'utf8'));
    this.ajv = new Ajv2020({ strict: false, allErrors: true });
    // contentEncoding/contentMediaType/contentSchema are annotations for Ajv: checked by hand in validate().
    this.ajv.addSchema({ $id: 'openapi', components: this.doc.components });
    this.paths = Object.keys(this.doc.paths).map((template) => ({
      template,
      regex: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}/?$`),
    }));
  }

  deref(node) {
    while (node && node.$ref) {
      const parts = node.$ref.replace(/^#\//, '').split('/');
      node = parts.reduce((at, key) => at[key], this.doc);
    }
    return node;
  }

  // Every documented (template, method, status).
  documented() {
    const out = [];
    for (const [template, item] of Object.entries(this.doc.paths))
      for (const method of methods)
        if (item[method])
          for (const status of Object.keys(item[method].responses)) out.push({ template, method, status });
    return out;
  }

  template_of(path) {
    const bare = path.split('?')[0];
    const found = this.paths.find((p) => p.regex.test(bare));
    return found && found.template;
  }

  // The documented response for a real (method, path, status): the method's own, or for a 405 the path's
  // (a wrong method has no operation of its own). Returns {template, method, response} or null.
  response_for(method, path, status) {
    const template = this.template_of(path);
    if (!template) return null;
    const item = this.doc.paths[template];
    const key = String(status);
    const own = item[method.toLowerCase()];
    if (own && own.responses[key]) return { template, method: method.toLowerCase(), response: this.deref(own.responses[key]) };
    if (key !== '405') return null;
    for (const m of methods)
      if (item[m] && item[m].responses[key]) return { template, method: m, response: this.deref(item[m].responses[key]) };
    return null;
  }

  // Checks a body against the documented media type of `response`; returns a list of problems.
  validate(response, content_type, body) {
    const media = (content_type || '').split(';')[0].trim();
    const documented = response.content || {};
    if (body.length === 0) return Object.keys(documented).length === 0 ? [] : ['an empty body where one is documented'];
    if (!documented[media]) return [`content-type ${media || '(none)'} is not documented (${Object.keys(documented)})`];
    let schema = documented[media].schema;
    let text = body;
    if (schema.contentEncoding) {
      if (schema.contentEncoding !== 'base64') return [`unknown contentEncoding ${schema.contentEncoding}`];
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body)) return ['the body is not base64 text'];
      text = Buffer.from(body, 'base64').toString('utf8');
      schema = schema.contentSchema;
    }
    let value;
    try {
      value = JSON.parse(text);
    } catch (error) {
      return [`not JSON: ${error.message}`];
    }
    const validate = this.ajv.getSchema(`openapi${schema.$ref}`);
    if (validate(value)) return [];
    return validate.errors.map((e) => `${e.instancePath || '/'} ${e.message}`);
  }
}

module.exports = { OpenApiDoc };
