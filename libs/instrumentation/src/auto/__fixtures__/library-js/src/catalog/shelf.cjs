// CommonJS: requires another CommonJS module and loads an ES module with import().
const { slug } = require('./slug.cjs');

class Shelf {
  constructor(name) {
    this.name = name;
    this.books = [];
  }

  add(book) {
    this.books.push(book);
    return this;
  }

  async load(lines) {
    const { Book } = await import('./item.js');
    for (const line of lines) this.add(Book.parse(line));
    return this.books.length;
  }

  index() {
    return this.books.map((book) => slug(book.title));
  }
}

module.exports = { Shelf };
