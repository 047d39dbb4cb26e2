function slug(text) {
  return text.toLowerCase().split(/\W+/).filter(Boolean).join('-');
}

exports.slug = slug;
