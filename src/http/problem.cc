#include "stockroom/http/problem.h"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <string>

namespace stockroom::http {

std::string_view StatusTitle(int status) {
  switch (status) {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 409: return "Conflict";
    case 411: return "Length Required";
    case 412: return "Precondition Failed";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Content";
    case 428: return "Precondition Required";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    default: return "Error";
  }
}

Response MakeProblem(int status, std::string_view type, std::string_view detail,
                     const std::vector<FieldError>& errors) {
  return MakeProblem(status, type, detail, errors, {});
}

Response MakeProblem(int status, std::string_view type, std::string_view detail,
                     const std::vector<FieldError>& errors, const boost::json::object& extensions) {
  boost::json::object body = extensions;
  body["type"] = std::string("urn:stockroom:problem:") + std::string(type);
  body["title"] = StatusTitle(status);
  body["status"] = status;
  body["detail"] = detail;
  if (!errors.empty()) {
    boost::json::array list;
    for (const FieldError& error : errors) {
      std::string pointer = "/";
      for (char c : error.field) {
        if (c == '.') pointer += '/';
        else if (c == '~') pointer += "~0";
        else if (c == '/') pointer += "~1";
        else pointer += c;
      }
      list.push_back(boost::json::object{
          {"field", error.field}, {"pointer", pointer}, {"detail", error.detail}});
    }
    body["errors"] = std::move(list);
  }
  Response response;
  response.status = status;
  response.body = boost::json::serialize(body);
  response.SetHeader("content-type", "application/problem+json");
  return response;
}

}  // namespace stockroom::http
