// The generated OpenAPI client names the fetch body type the way the DOM library does; Node's fetch
// (undici) has the same type under another name. Declaring the alias avoids pulling in all of lib.dom.
type BodyInit = import('undici-types').BodyInit;
