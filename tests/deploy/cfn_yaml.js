// Loads a CloudFormation/SAM template with its short tags (!Ref, !Sub, !GetAtt, ...) as the long forms
// ({"Ref": ...}, {"Fn::Sub": ...}), so checks can walk plain objects.
'use strict';
const fs = require('node:fs');
const yaml = require('js-yaml');

const functions = ['Base64', 'Cidr', 'FindInMap', 'GetAZs', 'ImportValue', 'Join', 'Select', 'Split', 'Sub',
  'Transform', 'And', 'Equals', 'If', 'Not', 'Or'];

function long_form(tag, value) {
  if (tag === 'Ref') return { Ref: value };
  if (tag === 'Condition') return { Condition: value };
  // !GetAtt Resource.Attribute is the dotted scalar form of ["Resource", "Attribute"].
  if (tag === 'GetAtt') {
    if (typeof value !== 'string') return { 'Fn::GetAtt': value };
    const dot = value.indexOf('.');
    return { 'Fn::GetAtt': [value.slice(0, dot), value.slice(dot + 1)] };
  }
  return { [`Fn::${tag}`]: value };
}

const types = [];
for (const tag of ['Ref', 'Condition', 'GetAtt', ...functions])
  for (const kind of ['scalar', 'sequence', 'mapping'])
    types.push(new yaml.Type(`!${tag}`, { kind, construct: (data) => long_form(tag, data) }));
const schema = yaml.DEFAULT_SCHEMA.extend(types);

function load_template(file) {
  return yaml.load(fs.readFileSync(file, 'utf8'), { schema, filename: file });
}

module.exports = { load_template };
