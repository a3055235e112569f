Feature: Finding personal information however it is written (个人信息识别)
  Before a document is disclosed, the finder proposes the personal information in its
  text for the confidentiality reviewer to confirm (去标识化). People write identifiers in
  many ways: in full-width digits and letters, in groups, after the document's type, run
  together after any words, with a dot, space or hyphen in a plate. The finder finds them
  all, addresses the text as written (offsets, masks and redactions keep the width), does
  not take amounts or statistics for telephone numbers, and finds every copy of an
  identifier it found, however that copy is written, so that none of its digits survives
  the redaction. Names and home addresses are found where a label or a list's row says what
  they are, never in ordinary prose or in an agency's own address.

  # -- width ----------------------------------------------------------------------------

  Scenario Outline: An identifier typed in full width is found and masked in its own width
    Given the text "<text>"
    When the finder reads it
    Then it finds only the <kind> "<found>", masked as "<masked>"

    Examples:
      | text                                 | kind          | found                              | masked                             |
      | 身份证号３７１００２１９８００１０１１２３２。 | resident ID   | ３７１００２１９８００１０１１２３２ | ３７１０**********１２３２           |
      | 手机：１３９１２３４５６７８             | mobile number | １３９１２３４５６７８                | １３９****５６７８                   |
      | 手机：１３９－１２３４－５６７８         | mobile number | １３９－１２３４－５６７８            | １３９－****－５６７８               |
      | 电话：０６３１－５２８８１２３           | landline      | ０６３１－５２８８１２３              | ０６３１－*****２３                  |
      | 电话：0631—5288123                   | landline      | 0631—5288123                       | 0631—*****23                       |
      | 邮箱：zhangsan＠163.com                | e-mail        | zhangsan＠163.com                   | z*******＠163.com                   |
      | 邮箱：ｚｈａｎｇｓａｎ＠１６３．ｃｏｍ       | e-mail        | ｚｈａｎｇｓａｎ＠１６３．ｃｏｍ          | ｚ*******＠１６３．ｃｏｍ              |
      | 护照号码：ＥＡ１２３４５６７             | passport      | ＥＡ１２３４５６７                    | Ｅ*******７                         |
      | 号牌号码为鲁Ｋ１２３４５的小型汽车        | plate         | 鲁Ｋ１２３４５                        | 鲁*****５                           |

  # -- resident IDs in groups -------------------------------------------------------------

  Scenario Outline: A resident ID written in groups is found when its check character holds
    Given the text "<text>"
    When the finder reads it
    Then it finds only the resident ID "<found>", masked as "<masked>"

    Examples:
      | text                                   | found                     | masked                    |
      | 身份证号 3710 0219 8001 0112 32          | 3710 0219 8001 0112 32    | 3710 **** **** **12 32    |
      | 身份证号：371002 19800101 1232           | 371002 19800101 1232      | 3710** ******** 1232      |
      | 公民身份号码371002-19800101-1232         | 371002-19800101-1232      | 3710**-********-1232      |
      | 公民身份号码371002－19800101－1232       | 371002－19800101－1232    | 3710**－********－1232    |
      | 身份证号：３７１００２　１９８００１０１　１２３２ | ３７１００２　１９８００１０１　１２３２ | ３７１０**　********　１２３２ |

  Scenario: A list's row gives the grouped resident ID after the row's number, and the name before the sex
    Given the text "1 3710 0219 8001 0112 32 张三 男"
    When the finder reads it
    Then it finds the resident ID "3710 0219 8001 0112 32", then the name "张三"

  Scenario Outline: Groups of digits that are no resident ID are not taken for one
    Given the text "<text>"
    When the finder reads it
    Then it finds nothing

    Examples:
      | text                                         |
      | 身份证号 3710 0219 8001 0112 33  |
      | 身份证号 371002 19800101-1232    |
      | 身份证号 371002 19800230 1232    |
      | 资产编号 3710 0219 8001 0112     |

  # -- passports and travel permits ---------------------------------------------------------

  Scenario Outline: Passports and travel permits are found after the document's type
    Given the text "<text>"
    When the finder reads it
    Then it finds only the <kind> "<found>"

    Examples:
      | text                                                  | kind                      | found         |
      | 证件类型：护照；证件号码：E12345678                      | passport                  | E12345678     |
      | 护照号码：G1234567                                     | passport                  | G1234567      |
      | 持护照（EA1234567）入境                                | passport                  | EA1234567     |
      | 证件号码：E12345678（护照）                             | passport                  | E12345678     |
      | 证件类型：往来港澳通行证，证件号码：C12345678             | Hong Kong/Macao permit    | C12345678     |
      | 往来港澳通行证CA1234567                                | Hong Kong/Macao permit    | CA1234567     |
      | 回乡证号码：H1234567801                                | Hong Kong/Macao permit    | H1234567801   |
      | 港澳居民来往内地通行证M12345678                         | Hong Kong/Macao permit    | M12345678     |
      | 台湾居民来往大陆通行证号码：12345678                     | Taiwan permit             | 12345678      |
      | 台胞证号码：0561682001(D)                              | Taiwan permit             | 0561682001(D) |
      | 往来台湾通行证：L12345678                              | Taiwan permit             | L12345678     |

  Scenario Outline: Numbers shaped like travel documents are not taken for them
    Given the text "<text>"
    When the finder reads it
    Then it finds nothing

    Examples:
      | text                                      |
      | 产品型号E12345678                           |
      | 台胞证有效期至20301231                       |
      | 持往来港澳通行证，设备编号C12345678           |
      | 护照号码E1234567                            |
      | 台胞证办理咨询电话：52881234                  |

  # -- landlines run together -------------------------------------------------------------

  Scenario Outline: A landline run together is found after any words, but not after another number's label
    Given the text "<text>"
    When the finder reads it
    Then it finds <result>

    Examples:
      | text                     | result                              |
      | 请联系06318803972         | only the landline "06318803972"     |
      | 如有疑问，可致06318803972  | only the landline "06318803972"     |
      | 联系人王科长０６３１８８０３９７２ | only the landline "０６３１８８０３９７２" |
      | 档号06318803972           | nothing                             |
      | 档案编号：06318803972      | nothing                             |
      | 金额合计06318803972元      | nothing                             |

  # -- plates -------------------------------------------------------------------------------

  Scenario Outline: A licence plate is found with a dot, a space or a hyphen after the authority letter
    Given the text "号牌为<plate>的车辆"
    When the finder reads it
    Then it finds only the plate "<plate>"

    Examples:
      | plate      |
      | 鲁K·12345  |
      | 鲁K•12345  |
      | 鲁K 12345  |
      | 鲁K-12345  |
      | 鲁K－12345 |
      | 鲁KD12345  |
      | 鲁K D12345 |
      | 鲁K·12345D |

  Scenario Outline: Words and numbers shaped almost like plates are not plates
    Given the text "<text>"
    When the finder reads it
    Then it finds nothing

    Examples:
      | text                |
      | 鲁ICP备12345678号-1  |
      | 粤B2-20090059       |
      | 鲁K 123456          |
      | 京A股               |

  # -- amounts ------------------------------------------------------------------------------

  Scenario Outline: Amounts and statistics of 11 digits are not taken for mobile numbers
    Given the text "<text>"
    When the finder reads it
    Then it finds nothing

    Examples:
      | text                         |
      | 年度预算总额15546680069.58元    |
      | 支付金额¥18030298747.59        |
      | 支付金额￥18030298747           |
      | 全市用电量15546680069千瓦时      |
      | 接待游客13512345678人次         |
      | 货物运输量15812345678吨         |
      | 受益群众13712345678户，         |
      | 覆盖13612345678人，             |
      | 财政收入13512345678            |
      | 编码213812345678900            |
      | 全年１５５４６６８００６９．５８元   |

  Scenario: A mobile number followed by a word that begins like a counter is still a mobile number
    Given the text "王先生 13812345678 人民路12号；李四 13912345678 户籍在威海"
    When the finder reads it
    Then it finds the mobile numbers "13812345678" and "13912345678"

  # -- copies -------------------------------------------------------------------------------

  Scenario: A resident ID repeated in other writings is hidden in every one of them
    Given the text "申请人张三，身份证号371002198001011232。经核实，张三（3710 0219 8001 0112 32）系该房屋所有权人，系统登记为ID371002198001011232，复印件号码为３７１００２１９８００１０１１２３２，档案页码371002.19800101.1232。"
    When the finder reads it
    And every finding is redacted
    Then the redacted text is "申请人张*，身份证号3710**********1232。经核实，张*（3710 **** **** **12 32）系该房屋所有权人，系统登记为ID3710**********1232，复印件号码为３７１０**********１２３２，档案页码3710**.********.1232。"
    And no 6 digits in a row of "371002198001011232" are left in it, in either width and without separators

  Scenario: A mobile number repeated inside a web address is hidden there too
    Given the text "联系电话13812345678，详见http://www.example.gov.cn/art/art_13812345678.html"
    When the finder reads it
    And every finding is redacted
    Then the redacted text is "联系电话138****5678，详见http://www.example.gov.cn/art/art_138****5678.html"

  # -- names, addresses, QQ, WeChat, Hong Kong, Macao and Taiwan IDs ---------------------------

  Scenario Outline: A name after a personal label, in a list's row or in a letter's salutation is found
    Given the text "<text>"
    When the finder reads it
    Then it finds only the name "<found>", masked as "<masked>"

    Examples:
      | text                                         | found    | masked   |
      | 申请人：王小明，通讯地址见申请表                     | 王小明   | 王**     |
      | 姓名：欧阳娜娜 性别：女                            | 欧阳娜娜 | 欧阳**   |
      | 当事人张伟于2026年3月在统一路经营                   | 张伟     | 张*      |
      | 李建国，男，汉族，1962年出生                        | 李建国   | 李**     |
      | 赵丽（女）                                        | 赵丽     | 赵*      |
      | 王小明：你于2026年11月28日提出的申请收悉             | 王小明   | 王**     |

  Scenario Outline: Hidden names, organisations and words that begin with a surname are not names
    Given the text "<text>"
    When the finder reads it
    Then it finds nothing

    Examples:
      | text                                   |
      | 申请人：张某某，男                          |
      | 申请人李XX，                               |
      | 申请人：威海市某某科技有限公司                 |
      | 被申请人：威海市环翠区人民政府                 |
      | 申请人：万达集团                            |
      | 联系人：王科长                              |
      | 各级各部门要高度重视，王府井商圈                |
      | 当事人陈述申辩，                            |

  Scenario: A name found after its label is found again wherever it stands
    Given the text "申请人王小明于2026年11月28日提出申请，经核实王小明系该房屋所有权人。"
    When the finder reads it
    And every finding is redacted
    Then the redacted text is "申请人王**于2026年11月28日提出申请，经核实王**系该房屋所有权人。"

  Scenario Outline: A home address after its label is found, an agency's address is not
    Given the text "<text>"
    When the finder reads it
    Then it finds <result>

    Examples:
      | text                                        | result                                                               |
      | 家庭住址：威海市环翠区青岛北路12号3单元201室，      | only the address "威海市环翠区青岛北路12号3单元201室", masked as "威海市环翠区**************" |
      | 被告张三，住威海市文登区龙山路8号。                 | the name "张三", then the address "威海市文登区龙山路8号"                 |
      | 地址：威海市环翠区统一路1号，邮编264200             | nothing                                                              |
      | 通讯地址：威海市新威路19号                        | nothing                                                              |
      | 住址：不详                                    | nothing                                                              |

  Scenario Outline: QQ numbers, WeChat IDs and Hong Kong, Macao and Taiwan ID cards after their labels
    Given the text "<text>"
    When the finder reads it
    Then it finds only the <kind> "<found>"

    Examples:
      | text                               | kind        | found       |
      | QQ号码：１２３４５６７８９              | QQ number   | １２３４５６７８９ |
      | 联系ＱＱ 88123456                    | QQ number   | 88123456    |
      | 微信号：zhang_san88                 | WeChat ID   | zhang_san88 |
      | 香港身份证号码：A123456(3)            | Hong Kong ID | A123456(3) |
      | 申请人持A123456（3）                  | Hong Kong ID | A123456（3） |
      | 澳门居民身份证号码：1234567(8)          | Macao ID    | 1234567(8)  |
      | 台湾居民身份证号码：A123456789          | Taiwan ID   | A123456789  |

  Scenario Outline: Hong Kong, Macao and Taiwan mobiles, and military and police ID numbers
    Given the text "<text>"
    When the finder reads it
    Then it finds only the <kind> "<found>"

    Examples:
      | text                               | kind          | found            |
      | 联系电话：＋852 9123 4567             | mobile number | ＋852 9123 4567   |
      | 澳门手机：+853 6612 3456             | mobile number | +853 6612 3456   |
      | 联系方式：+886-912-345-678           | mobile number | +886-912-345-678 |
      | 台胞来电，手机：0912-345-678          | mobile number | 0912-345-678     |
      | 住宅电话：(852) 2345 6789            | landline      | (852) 2345 6789  |
      | 台胞求助，联系电话：0991-2345678        | landline      | 0991-2345678     |
      | 原军官证号：南字第1234567号            | military ID   | 南字第1234567号    |
      | 士兵证号码：１２３４５６７８            | military ID   | １２３４５６７８     |

  Scenario Outline: Numbers and words shaped like them, without their label or check, are not taken
    Given the text "<text>"
    When the finder reads it
    Then it finds nothing

    Examples:
      | text                          |
      | QQ群：123456789                |
      | 官方微信：weihaifabu             |
      | 申请人持A123456(4)               |
      | 编号1234567(8)                  |
      | 编号A123456789                  |
      | 身份证号码：A123456788           |
      | 香港入境事务处查询热线：(852) 2824 6111 |
      | 联系电话：0912-345-678           |
      | 鲁政字〔2026〕12号               |
      | 南字第1234567号文件               |
      | 全市共换发士兵证123456份           |
